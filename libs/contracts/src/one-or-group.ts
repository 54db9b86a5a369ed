import * as z from 'zod';

/**
 * The most players one message may carry. The coordinator sends PROPS_PLAYERS_PER_MESSAGE (16 by
 * default, docs/performance.md) in one; the bound keeps a message far under Pub/Sub's 10 MB.
 */
export const MAX_PLAYERS_PER_MESSAGE = 64;

/**
 * A payload that is either one item (the original's message, which every existing caller still
 * sends) or a group of them under `key`. The shape with `key` is checked against `group`, any other
 * against `single`, so a failure names the field of the shape that was sent. A value `plainlyValid`
 * passes is the parse's result as it is (a check that passes only what the schemas return unchanged).
 */
export function oneOrGroup<Single, Group>(
  single: z.ZodType<Single>,
  key: string,
  group: z.ZodType<Group>,
  plainlyValid?: (value: unknown) => value is Single | Group,
): z.ZodType<Single | Group> {
  return z.unknown().transform((value, context) => {
    if (plainlyValid?.(value)) return value;
    const schema: z.ZodType<Single | Group> = isGroupOf(value, key) ? group : single;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) context.addIssue({ ...issue } as Parameters<typeof context.addIssue>[0]);
    return z.NEVER;
  }) as unknown as z.ZodType<Single | Group>;
}

/** True when `value` is an object with `key`: the group shape of oneOrGroup. */
function isGroupOf(value: unknown, key: string): boolean {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key);
}

/**
 * The first problem of a group's items that must belong to one batch and name each player once:
 * its index and field, or null.
 */
export function groupProblem(
  items: ReadonlyArray<{ batch_id: string; player_lookup: string; game_date: string }>,
): { index: number; field: string; message: string } | null {
  const players = new Set<string>();
  for (const [index, item] of items.entries()) {
    const first = items[0]!;
    if (item.batch_id !== first.batch_id)
      return { index, field: 'batch_id', message: `expected the group's batch ${first.batch_id}` };
    if (item.game_date !== first.game_date)
      return { index, field: 'game_date', message: `expected the group's game date ${first.game_date}` };
    if (players.has(item.player_lookup))
      return { index, field: 'player_lookup', message: `${item.player_lookup} is already in the group` };
    players.add(item.player_lookup);
  }
  return null;
}
