import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ROW_GROUP_ROWS } from './row-group-rows';

/**
 * A file attached to an in-memory DuckDB instance that this process keeps between the file's
 * openings. Creating an instance costs ~20 ms of CPU whatever the file (DuckDB sets up its
 * catalog and functions); attaching the file to a kept one ~7 ms, and every local batch opens the
 * file twice (docs/performance.md, "The start's path, eighth pass"). DETACH checkpoints the file
 * and releases its lock as closing an instance does
 * (https://duckdb.org/docs/stable/sql/statements/attach). A connection's own state (SET, USE, temp
 * tables, prepared statements) goes with its connection, and changed settings are caught below;
 * what a unit would create in the instance's own `memory` database, or a secret or extension it
 * loaded, would carry over: no unit does, and none may.
 */
export interface KeptOpening {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  /** The instance's settings when it was created: it is kept again only if they are unchanged. */
  settings: Promise<string>;
}

/** DuckDB options for one opening, as strings (WarehouseConfig). */
type OpeningConfig = Readonly<Record<string, string>>;

const ALIAS = 'warehouse';
const SETTINGS = "SELECT string_agg(name || '=' || coalesce(value, ''), ';' ORDER BY name) FROM duckdb_settings()";

/** Instances free for the file's next opening, by path. */
const idle = new Map<string, Omit<KeptOpening, 'connection'>>();
/**
 * Detaches under way and the checks of their instances after them, by path: the file is attached
 * again only after its detach (never twice at once), and to the instance just checked.
 */
const settling = new Map<string, Promise<void>>();

const quoted = (text: string) => `'${text.replaceAll("'", "''")}'`;

async function readSettings(instance: DuckDBInstance): Promise<string> {
  const connection = await instance.connect();
  try {
    return String((await connection.runAndReadAll(SETTINGS)).getRows()[0]![0]);
  } finally {
    connection.closeSync();
  }
}

/** Resolves once no detach of the file is under way in this process, for an opening of its own. */
export async function detachSettled(path: string): Promise<void> {
  while (settling.has(path)) await settling.get(path);
}

/**
 * Attaches the file, as the default database, to the instance its last opening used (or to a new
 * one), with `config` set for this opening. Spills go where an opening of the file itself would
 * put them, next to the file.
 */
export async function attachKept(
  duckdb: typeof DuckDBInstance,
  path: string,
  config: OpeningConfig,
): Promise<KeptOpening> {
  await detachSettled(path);
  let kept = idle.get(path);
  idle.delete(path);
  if (!kept) {
    const instance = await duckdb.create(':memory:', { temp_directory: `${path}.tmp` });
    // Read beside the attach, on another connection; the opening's own settings wait for it.
    const settings = readSettings(instance);
    settings.catch(() => undefined);
    kept = { instance, settings };
  }
  const connection = await kept.instance.connect();
  try {
    await connection.run(`ATTACH ${quoted(path)} AS ${ALIAS} (ROW_GROUP_SIZE ${ROW_GROUP_ROWS}); USE ${ALIAS}`);
    const settings = Object.entries(config).map(([name, value]) => `SET ${name} = ${quoted(value)}`);
    if (settings.length > 0) {
      await kept.settings;
      await connection.run(settings.join('; '));
    }
  } catch (error) {
    connection.closeSync();
    kept.instance.closeSync();
    throw error;
  }
  return { ...kept, connection };
}

/**
 * Detaches the file (its checkpoint, on DuckDB's thread) and closes the opening's connection. The
 * instance is kept for the file's next opening when `reusable` (no unit of work failed on it) and
 * its settings are back to what they were (a unit that ran SET would leave its setting to the
 * next opening); that comparison runs after the detach, off the caller's path.
 */
export async function detachKept(
  path: string,
  opening: KeptOpening,
  config: OpeningConfig,
  reusable: boolean,
): Promise<void> {
  if (!reusable) {
    // A failed unit may have left its transaction aborted, which refuses DETACH: closing the
    // instance rolls it back, checkpoints what was committed and releases the file.
    opening.connection.closeSync();
    opening.instance.closeSync();
    return;
  }
  const resets = Object.keys(config).map((name) => `; RESET ${name}`);
  const detached = opening.connection.run(`USE memory; DETACH ${ALIAS}${resets.join('')}`).then(
    () => opening.connection.closeSync(),
    (error: unknown) => {
      opening.connection.closeSync();
      opening.instance.closeSync();
      throw error;
    },
  );
  const settled = detached.then(
    () => keepIfUnchanged(path, opening),
    () => undefined,
  );
  settling.set(path, settled);
  void settled.then(() => {
    if (settling.get(path) === settled) settling.delete(path);
  });
  await detached;
}

async function keepIfUnchanged(path: string, { instance, settings }: KeptOpening): Promise<void> {
  const unchanged = await Promise.all([readSettings(instance), settings]).then(
    ([now, then]) => now === then,
    () => false,
  );
  if (unchanged && !idle.has(path)) idle.set(path, { instance, settings });
  else instance.closeSync();
}
