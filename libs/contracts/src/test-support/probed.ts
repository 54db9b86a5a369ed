/**
 * A deep copy of `value` with the field at the dotted `path` set to `probe` (undefined: removed).
 * The probe itself goes in as it is, so a probe with a symbol key keeps it.
 */
export function probed<T>(value: T, path: string, probe: unknown): T {
  const copy = structuredClone(value) as Record<string, unknown>;
  const keys = path.split('.');
  const parent = keys
    .slice(0, -1)
    .reduce<Record<string, unknown>>((at, key) => at[key] as Record<string, unknown>, copy);
  if (probe === undefined) delete parent[keys.at(-1)!];
  else parent[keys.at(-1)!] = probe;
  return copy as T;
}
