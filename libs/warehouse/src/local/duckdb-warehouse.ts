import { ServiceError, errorMessage } from '@props/contracts';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { fileKind } from './file-kind';

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

/** Files this process holds open (holdWarehouse): their units of work share one connection, one at a time. */
const held = new Map<string, { connection: DuckDBConnection; queue: Promise<unknown> }>();

/**
 * Keeps the warehouse open while `work` runs, so that every withWarehouse on the same path in this
 * process reuses one connection instead of opening and checkpointing the file per unit of work (a
 * season's backfill does thousands). The units run one after another; other processes wait for the
 * file meanwhile, as for any writer.
 */
export async function holdWarehouse<T>(path: string, work: () => Promise<T>, maxWaitMs = 60_000): Promise<T> {
  if (held.has(path)) return work();
  return withWarehouse(
    path,
    async (connection) => {
      held.set(path, { connection, queue: Promise.resolve() });
      try {
        return await work();
      } finally {
        held.delete(path);
      }
    },
    maxWaitMs,
  );
}

/**
 * Runs one unit of work on the local DuckDB warehouse and closes it. DuckDB lets one process at a
 * time open a file for writing, so while another process holds it this retries with backoff
 * (jittered, doubling up to 1 s) until `maxWaitMs`, then throws WarehouseBusyError. A file DuckDB
 * cannot open for any other reason throws WarehouseUnavailableError.
 */
export async function withWarehouse<T>(
  path: string,
  work: (connection: DuckDBConnection) => Promise<T>,
  maxWaitMs = 60_000,
): Promise<T> {
  const holding = held.get(path);
  if (holding) {
    const turn = holding.queue.then(() => work(holding.connection));
    holding.queue = turn.catch(() => undefined);
    return turn;
  }
  // Loaded on first use (about 200 ms): a coordinator on gcp never opens a DuckDB file.
  const { DuckDBInstance: duckdb } = await import('@duckdb/node-api');
  const started = Date.now();
  let delay = 20;
  for (;;) {
    let instance: DuckDBInstance;
    try {
      instance = await duckdb.create(path);
    } catch (error) {
      const message = errorMessage(error);
      if (!LOCKED.test(message)) throw notOpenable(path, message);
      if (Date.now() - started >= maxWaitMs)
        throw new WarehouseBusyError(
          `warehouse ${path}: still held by another process after ${maxWaitMs} ms (${message.split('\n')[0]})`,
        );
      await new Promise((resolveWait) => setTimeout(resolveWait, delay * (0.5 + Math.random())));
      delay = Math.min(1_000, delay * 2);
      continue;
    }
    const connection = await instance.connect();
    try {
      return await work(connection);
    } catch (error) {
      throw classifyWarehouseError(path, error);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }
}
