import { ServiceError, errorMessage } from '@props/contracts';
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { fileKind } from './file-kind';
import { attachKept, detachKept, detachSettled, type KeptOpening } from './kept-instances';
import { ROW_GROUP_ROWS } from './row-group-rows';

/** Another process holds the warehouse file for longer than the caller waits. */
export class WarehouseBusyError extends ServiceError {
  override readonly name = 'WarehouseBusyError';
  constructor(message: string) {
    super('warehouse_busy', message);
  }
}

/** The warehouse file exists but DuckDB cannot open it (corrupt, truncated, unreadable). */
export class WarehouseUnavailableError extends ServiceError {
  override readonly name = 'WarehouseUnavailableError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super('warehouse_unavailable', `warehouse ${path} cannot be opened: ${reason}`);
  }

  /** The path and DuckDB's words stay in the log: a caller learns only that the warehouse is down. */
  override get publicMessage(): string {
    return 'a dependency of the service is unavailable; retry later (the service log has the details)';
  }
}

/**
 * The warehouse file is damaged (truncated, or its blocks corrupt): no retry fixes it. Its kind is
 * not transient, so loaders give up at once (no per-player fallback) and no caller waits for it.
 */
export class WarehouseDamagedError extends ServiceError {
  override readonly name = 'WarehouseDamagedError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(
      'warehouse_damaged',
      `warehouse ${path} is damaged (truncated or corrupt: ${reason}); restore it from a copy or rebuild it with props warehouse seed`,
    );
  }

  override get publicMessage(): string {
    return 'the warehouse file is damaged (truncated or corrupt); retrying will not help, an operator must restore it (the service log names the file)';
  }
}

const LOCKED = /Could not set lock on file|Conflicting lock is held/;
/** DuckDB's words for a file shorter than its own block list says, or blocks that fail their checksum. */
const DAMAGED =
  /Could not read enough bytes from file|Corrupt database file|checksum|not a valid DuckDB database file/i;

/** A DuckDB error that says the file is damaged, as WarehouseDamagedError; any other error as it is. */
export function classifyWarehouseError(path: string, error: unknown): unknown {
  if (error instanceof ServiceError) return error;
  const message = errorMessage(error);
  return DAMAGED.test(message) ? new WarehouseDamagedError(path, message.split('\n')[0]!) : error;
}

/** Why DuckDB could not open the file, in the words an operator acts on: not a file, damaged, or DuckDB's own line. */
function notOpenable(path: string, message: string): ServiceError {
  const kind = fileKind(path);
  if (kind !== null) return new WarehouseUnavailableError(path, `it is not a DuckDB file but ${kind}`);
  const damaged = classifyWarehouseError(path, new Error(message));
  if (damaged instanceof ServiceError) return damaged;
  return new WarehouseUnavailableError(path, message.split('\n')[0]!);
}

interface OpenWarehouse {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  withoutLog: boolean;
  /** Attached to an instance kept between the file's openings (kept-instances.ts), with this configuration. */
  kept?: { opening: KeptOpening; config: WarehouseConfig };
  /** A unit of work failed on it: its instance is not kept. */
  failed?: boolean;
}

/** How withWarehouse opens the file. */
export interface WarehouseOpenOptions {
  /** How long to wait for another process to let go of the file (default 60 s). */
  maxWaitMs?: number;
  /**
   * Commits write no write-ahead log (each one's rows would be written again by the next
   * checkpoint). What the unit commits is durable only once it runs CHECKPOINT (closing the file
   * runs one); a crash before that loses it, so only for work that nothing outside the file counts
   * as done until then (the backfill's openings). Units without it refuse an opening with it.
   */
  withoutLog?: boolean;
}

/**
 * Files this process holds open (holdWarehouse): opened by the first unit of work inside a hold,
 * shared by every unit meanwhile (one at a time, in order), closed when the last hold ends.
 */
interface Hold {
  holds: number;
  /** DuckDB's configuration for the opening (the first hold's, when holds overlap). */
  config: WarehouseConfig;
  open?: OpenWarehouse;
  queue: Promise<unknown>;
  /** Units of work run on the opening, and how many of them the last closing checkpoint covered. */
  turns: number;
  checkpointedTurns: number;
  /** A closing checkpoint failed: the close writes what it could not, as a close without one would. */
  checkpointFailed?: boolean;
}
const held = new Map<string, Hold>();

/** DuckDB configuration options for an opening (https://duckdb.org/docs/stable/configuration/overview), as strings. */
export type WarehouseConfig = Readonly<Record<string, string>>;

/**
 * Keeps the warehouse open while `work` runs, so that every withWarehouse on the same path in this
 * process reuses one connection instead of opening and checkpointing the file per unit of work (a
 * batch's merge and its bookkeeping row, the start's candidates and slate). The file is opened by
 * the first unit of work, not before, so a caller that takes its locks inside `work` still opens
 * the file only under them (the order the backfill keeps: locks first, then the file). The units
 * run one after another; other processes wait for the file meanwhile, as for any writer. Holds of
 * one path overlap safely: the file is closed (and checkpointed) when the last one ends, after the
 * units queued on it. `config` applies to the opening this hold makes; a hold inside another one
 * shares the outer opening and its configuration.
 */
export async function holdWarehouse<T>(path: string, work: () => Promise<T>, config: WarehouseConfig = {}): Promise<T> {
  let hold = held.get(path);
  if (!hold) {
    hold = { holds: 0, config, queue: Promise.resolve(), turns: 0, checkpointedTurns: 0 };
    held.set(path, hold);
  }
  hold.holds += 1;
  try {
    return await work();
  } finally {
    hold.holds -= 1;
    await releaseHold(path, hold);
  }
}

/**
 * Ends a hold once its last holder and queued unit are done: a CHECKPOINT statement first, as a turn
 * of its own, then the close. The statement runs on DuckDB's thread, so the event loop stays free
 * while the units' writes go into the file (a close that checkpoints holds the loop: 55-70 ms after
 * a batch's merge, docs/performance.md); the close then has nothing left to write. A unit that
 * comes meanwhile queues on the opening (the file is never opened twice in this process) and is
 * checkpointed in its turn. If the statement fails, the close runs as it would have without it.
 */
async function releaseHold(path: string, hold: Hold): Promise<void> {
  for (let queue = hold.queue; ; queue = hold.queue) {
    await queue;
    // Ended by another of its holders while this one waited: the path may be a newer hold's now.
    if (hold.holds > 0 || held.get(path) !== hold) return;
    if (hold.queue !== queue) continue;
    if (hold.open && !hold.checkpointFailed && hold.turns !== hold.checkpointedTurns) {
      hold.queue = closingCheckpoint(hold);
      continue;
    }
    // No await from here to the close: a unit of work that comes now opens the file itself, after it.
    held.delete(path);
    if (hold.open) await closeWarehouse(path, hold.open);
    return;
  }
}

async function closingCheckpoint(hold: Hold): Promise<void> {
  const turns = hold.turns;
  try {
    await hold.open!.connection.run('CHECKPOINT');
    hold.checkpointedTurns = turns;
  } catch {
    hold.checkpointFailed = true;
    hold.open!.failed = true;
  }
}

/**
 * A unit of work on the warehouse: `connection` is the opening's own; `connect` gives another
 * connection to the same opening, for reads that run beside the unit's statements (a DuckDB
 * connection runs one statement at a time, and its transaction is its own). Connections it gives
 * are closed when the unit ends (a statement left running on one is interrupted first).
 */
export type WarehouseWork<T> = (connection: DuckDBConnection, connect: () => Promise<DuckDBConnection>) => Promise<T>;

/** DuckDBConnection's methods that run a statement, each tracked on a unit's extra connections. */
const STATEMENT_METHODS = [
  'run',
  'runAndRead',
  'runAndReadAll',
  'runAndReadUntil',
  'stream',
  'streamAndRead',
  'streamAndReadAll',
  'streamAndReadUntil',
  'start',
  'startThenRead',
  'startThenReadAll',
  'startThenReadUntil',
  'startStream',
  'startStreamThenRead',
  'startStreamThenReadAll',
  'startStreamThenReadUntil',
] as const;

/**
 * The connections a unit asks for (WarehouseWork's `connect`), and their close when it ends. A
 * statement the unit left running on one (issued through one of STATEMENT_METHODS) is interrupted
 * and waited for first: disconnecting a connection under a running statement crashed the process
 * (SIGSEGV). Each statement is tracked, because two issued on one connection may start in either
 * order, so a statement issued last is no sign that the others have ended. One asked for once the
 * unit has ended is refused, so none outlives it (it would keep an opening's instance, and its file, open).
 */
function unitConnections(path: string, open: OpenWarehouse, unit: { running: boolean }) {
  const connections: DuckDBConnection[] = [];
  const running = new Set<Promise<unknown>>();
  const ended = () => new Error(`warehouse ${path}: a connection was asked for once its unit of work had ended`);
  const connect = async () => {
    if (!unit.running) throw ended();
    const connection = tracked(await open.instance.connect(), running);
    if (!unit.running) {
      connection.disconnectSync();
      throw ended();
    }
    connections.push(connection);
    if (open.kept || open.withoutLog) await connection.run('USE warehouse');
    return connection;
  };
  const close = async () => {
    // An interrupt that comes before a statement starts is lost: repeated until all have ended.
    while (running.size > 0) {
      for (const connection of connections) connection.interrupt();
      await Promise.race([Promise.all(running), sleep(10)]);
    }
    for (const connection of connections) connection.disconnectSync();
  };
  return { connect, close };
}

/** `connection`, each of its statements in `running` until it has settled. */
function tracked(connection: DuckDBConnection, running: Set<Promise<unknown>>): DuckDBConnection {
  for (const name of STATEMENT_METHODS) {
    const method = connection[name] as (...args: unknown[]) => Promise<unknown>;
    Object.defineProperty(connection, name, {
      value: (...args: unknown[]) => {
        const statement = method.apply(connection, args);
        const settled: Promise<unknown> = statement.then(
          () => running.delete(settled),
          () => running.delete(settled),
        );
        running.add(settled);
        return statement;
      },
    });
  }
  return connection;
}

/** The file whose unit of work is running in this async context, while it runs. */
const runningUnit = new AsyncLocalStorage<{ path: string; running: boolean }>();

/** A unit of work on a held file: its turn on the shared connection, the file opened on first use. */
function heldTurn<T>(path: string, hold: Hold, work: WarehouseWork<T>, options: WarehouseOpenOptions): Promise<T> {
  const outer = runningUnit.getStore();
  // Its turn would come after the unit waiting for it: a hang, not a deadlock anyone would see.
  if (outer?.running && outer.path === path)
    return Promise.reject(
      new Error(
        `warehouse ${path}: a unit of work started inside another unit on the same file would wait for it forever; pass the connection down instead`,
      ),
    );
  const turn = hold.queue.then(async () => {
    // Turns run one at a time, so only the first opens the file (or the next, if that open failed).
    const open = (hold.open ??= await openWarehouse(path, options, hold.config));
    if (open.withoutLog && !options.withoutLog)
      throw new Error(
        `warehouse ${path}: a unit of work that needs its commits durable ran on an opening without a write-ahead log`,
      );
    const unit = { path, running: true };
    const more = unitConnections(path, open, unit);
    hold.turns += 1;
    try {
      return await runningUnit.run(unit, () => work(open.connection, more.connect));
    } catch (error) {
      open.failed = true;
      throw classifyWarehouseError(path, error);
    } finally {
      // Work it left behind (a timer, a promise not awaited) may open the file once the turn is over.
      unit.running = false;
      await more.close();
    }
  });
  hold.queue = turn.catch(() => undefined);
  return turn;
}

/**
 * Runs one unit of work on the local DuckDB warehouse and closes it. DuckDB lets one process at a
 * time open a file for writing, so while another process holds it this retries with backoff
 * (jittered, doubling up to 1 s) until `maxWaitMs`, then throws WarehouseBusyError. A file DuckDB
 * cannot open for any other reason throws WarehouseUnavailableError. Inside holdWarehouse the unit
 * runs on the held connection instead; outside one, it is a hold of its own, so units that
 * overlap in this process share one opening in turn. DuckDB's file lock is per process: two
 * openings of one file in the same process both succeed, and each one's close overwrites the
 * other's writes (four overlapping inserts left one row).
 */
export async function withWarehouse<T>(
  path: string,
  work: WarehouseWork<T>,
  options: WarehouseOpenOptions = {},
): Promise<T> {
  const hold = held.get(path);
  if (hold) return heldTurn(path, hold, work, options);
  return holdWarehouse(path, () => withWarehouse(path, work, options));
}

async function openWarehouse(
  path: string,
  options: WarehouseOpenOptions,
  config: WarehouseConfig,
): Promise<OpenWarehouse> {
  const opened = await openWhenFree(path, options.maxWaitMs ?? 60_000, options.withoutLog === true, config);
  try {
    await checkpointReplayedLog(opened.connection);
  } catch (error) {
    opened.failed = true;
    // The checkpoint's error is the one to report.
    await closeWarehouse(path, opened).catch(() => undefined);
    throw notOpenable(path, errorMessage(error));
  }
  return opened;
}

async function openWhenFree(
  path: string,
  maxWaitMs: number,
  withoutLog: boolean,
  config: WarehouseConfig,
): Promise<OpenWarehouse> {
  // Loaded on first use (about 200 ms): a coordinator on gcp never opens a DuckDB file.
  const { DuckDBInstance: duckdb } = await import('@duckdb/node-api');
  const started = Date.now();
  let delay = 20;
  for (;;) {
    try {
      return withoutLog ? await attachWithoutLog(duckdb, path, config) : await openDirectly(duckdb, path, config);
    } catch (error) {
      const message = errorMessage(error);
      if (!LOCKED.test(message)) throw notOpenable(path, message);
      if (Date.now() - started >= maxWaitMs)
        throw new WarehouseBusyError(
          `warehouse ${path}: still held by another process after ${maxWaitMs} ms (${message.split('\n')[0]})`,
        );
      await new Promise((resolveWait) => setTimeout(resolveWait, delay * (0.5 + Math.random())));
      delay = Math.min(1_000, delay * 2);
    }
  }
}

async function openDirectly(
  duckdb: typeof DuckDBInstance,
  path: string,
  config: WarehouseConfig,
): Promise<OpenWarehouse> {
  if (path === ':memory:') {
    const instance = await duckdb.create(path, { ...config });
    return { instance, connection: await instance.connect(), withoutLog: false };
  }
  const opening = await attachKept(duckdb, path, config);
  return { instance: opening.instance, connection: opening.connection, withoutLog: false, kept: { opening, config } };
}

/**
 * The file attached to an in-memory database and made the default one, because RECOVERY_MODE is an
 * option of ATTACH (https://duckdb.org/docs/1.5/sql/statements/attach). A log a killed process
 * left is still replayed (and checkpointed by openWarehouse).
 */
async function attachWithoutLog(
  duckdb: typeof DuckDBInstance,
  path: string,
  config: WarehouseConfig,
): Promise<OpenWarehouse> {
  // DuckDB refuses a second attach of a file only within one instance: a kept one may still hold it.
  await detachSettled(path);
  const instance = await duckdb.create(':memory:', { ...config });
  try {
    const connection = await instance.connect();
    const file = path.replaceAll("'", "''");
    // Spills where an opening of the file itself would put them, not in the working directory.
    await connection.run(
      `SET temp_directory = '${file}.tmp'; ATTACH '${file}' AS warehouse (RECOVERY_MODE no_wal_writes, ROW_GROUP_SIZE ${ROW_GROUP_ROWS}); USE warehouse`,
    );
    return { instance, connection, withoutLog: true };
  } catch (error) {
    instance.closeSync();
    throw error;
  }
}

/**
 * Opening a file that a killed process left with a write-ahead log replays the log. With DuckDB
 * 1.5, if the opening then only reads (the readiness check, a report), the checkpoint that closing
 * the file runs leaves the replayed rows out of their table's index, and the next MERGE that
 * deletes them fails with "Failed to delete all rows from index" and invalidates the database
 * (DuckDB's report of the shutdown checkpoint's bug: https://github.com/duckdb/duckdb/pull/23848).
 * A CHECKPOINT statement right after the open does not (replayed-log.integration.test.ts); on a
 * file closed cleanly it costs nothing measurable.
 */
async function checkpointReplayedLog(connection: DuckDBConnection): Promise<void> {
  await connection.run('CHECKPOINT');
}

/** Closing a file that was written checkpoints it: its WAL goes into the file before this returns. */
async function closeWarehouse(path: string, { instance, connection, kept, failed }: OpenWarehouse): Promise<void> {
  if (kept) return detachKept(path, kept.opening, kept.config, failed !== true);
  connection.closeSync();
  instance.closeSync();
}
