import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { link, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurablyAsync } from '@props/durable-files';
import { LeaseLostError, type Lease, type LockBackend } from '../lease';

interface LeaseRecord {
  holderId: string;
  token: number;
  expiresAt: number;
  released: boolean;
}

const LEASE_FILE = /^lease-(\d{12})\.json$/;
const leaseFile = (token: number) => `lease-${String(token).padStart(12, '0')}.json`;

/**
 * Locks for several processes on one machine, with no server and no native addon. Each key is a
 * folder; each holder's lease is a file named by its fencing token. A new token file is created
 * with link(2), which fails if it exists, so exactly one contender wins each token; renew and
 * release replace the holder's own file by rename(2), so readers see old or new, never half.
 *
 * Safety rests on one shared clock: a contender treats a lease as expired only if it started
 * reading after the expiry, and a renewal counts only if its rename finished before the expiry.
 * The lease files are written and flushed on libuv's thread pool, not the event loop (each
 * acquire and release is on the path of a batch's start and merge; docs/performance.md).
 */
export class LocalLockBackend implements LockBackend {
  readonly name = 'local';

  constructor(private readonly root: string) {}

  async tryAcquire(key: string, holderId: string, leaseMs: number): Promise<Lease | null> {
    const folder = join(this.root, key);
    mkdirSync(folder, { recursive: true });
    const readStarted = Date.now();
    const latest = this.latest(folder);
    if (latest && !latest.released && latest.expiresAt > readStarted) return null;
    const token = (latest?.token ?? 0) + 1;
    const record: LeaseRecord = { holderId, token, expiresAt: Date.now() + leaseMs, released: false };
    const staged = join(folder, `.claim-${randomUUID()}`);
    const handle = await open(staged, 'w');
    try {
      await handle.writeFile(JSON.stringify(record));
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(staged, join(folder, leaseFile(token)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return null;
      throw error;
    } finally {
      await unlink(staged);
    }
    // A contender that read the folder long ago can still link its token if a newer winner has
    // removed that token's old file since (only files two behind the newest are removed): a newer
    // token on disk means the read was stale and the lock is held by someone else.
    if (this.newestToken(folder) !== token) {
      rmSync(join(folder, leaseFile(token)), { force: true });
      return null;
    }
    this.removeOlderThan(folder, token - 1);
    return { key, holderId, token, expiresAt: record.expiresAt };
  }

  async renew(lease: Lease, leaseMs: number): Promise<Lease> {
    const current = this.heldRecord(lease);
    const expiresAt = Date.now() + leaseMs;
    await this.replace(lease, { ...current, expiresAt });
    if (Date.now() >= current.expiresAt)
      throw new LeaseLostError(lease, 'the renewal finished after the lease had expired');
    return { ...lease, expiresAt };
  }

  async release(lease: Lease): Promise<void> {
    const current = this.heldRecord(lease);
    await this.replace(lease, { ...current, released: true });
  }

  /** The lease file of `lease`, if it is still the newest, held by its holder and unexpired. */
  private heldRecord(lease: Lease): LeaseRecord {
    const now = Date.now();
    const folder = join(this.root, lease.key);
    const latest = this.latest(folder);
    if (!latest || latest.token !== lease.token)
      throw new LeaseLostError(lease, `token ${latest?.token ?? 'none'} is newer`);
    if (latest.holderId !== lease.holderId) throw new LeaseLostError(lease, `held by ${latest.holderId}`);
    if (latest.released) throw new LeaseLostError(lease, 'already released');
    if (now >= latest.expiresAt) throw new LeaseLostError(lease, `expired ${now - latest.expiresAt} ms ago`);
    return latest;
  }

  private replace(lease: Lease, record: LeaseRecord): Promise<void> {
    return writeFileDurablyAsync(join(this.root, lease.key, leaseFile(lease.token)), JSON.stringify(record));
  }

  /** The highest token with a lease file in the folder, if any. */
  private newestToken(folder: string): number | undefined {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const tokens = names.map((name) => LEASE_FILE.exec(name)?.[1]).filter((token) => token !== undefined);
    return tokens.length === 0 ? undefined : Math.max(...tokens.map(Number));
  }

  private latest(folder: string): LeaseRecord | undefined {
    // A newer contender may delete the file we listed before we read it; list again then.
    for (;;) {
      const newest = this.newestToken(folder);
      if (newest === undefined) return undefined;
      let text: string;
      try {
        text = readFileSync(join(folder, leaseFile(newest)), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        continue;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
      // A torn or wrong-shaped lease file (damaged on disk, or written by hand) must not wedge the
      // key: its token stays used, so fencing stays monotonic, and the lease counts as released.
      if (isLeaseRecord(parsed, newest)) return parsed;
      return { holderId: '(unreadable lease file)', token: newest, expiresAt: 0, released: true };
    }
  }

  private removeOlderThan(folder: string, token: number): void {
    for (const name of readdirSync(folder)) {
      const found = LEASE_FILE.exec(name);
      if (found && Number(found[1]) < token) {
        try {
          unlinkSync(join(folder, name));
        } catch {
          /* another contender removed it first */
        }
      }
    }
  }
}

/** A lease file's shape: anything else (null, {}, a number, a string expiry, another token) is unreadable. */
function isLeaseRecord(value: unknown, token: number): value is LeaseRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.holderId === 'string' &&
    record.token === token &&
    typeof record.expiresAt === 'number' &&
    Number.isFinite(record.expiresAt) &&
    typeof record.released === 'boolean'
  );
}
