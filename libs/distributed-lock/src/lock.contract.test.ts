import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DistributedLock,
  LeaseLostError,
  LocalLockBackend,
  LockArgumentError,
  LockTimeoutError,
  type Lease,
  type LockBackend,
} from './index';
import { emulatorUnavailable, startEmulator, type RunningEmulator } from '@props/emulators';
import { lockBackendFor } from './test-support/lock-backends';

const root = resolve(import.meta.dirname, '../../..');
const contender = resolve(import.meta.dirname, 'test-support/contender.ts');
const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
let uniqueKey = 0;
const freshKey = (label: string) => `${label}-${process.pid}-${++uniqueKey}-${Date.now()}`;

function runContender(env: Record<string, string>): {
  done: Promise<{ code: number | null; output: string }>;
  kill: () => void;
  firstLine: Promise<string>;
} {
  // `node --import tsx` runs the TypeScript in this one process (the tsx CLI would fork a second
  // one that survives a SIGKILL of the first).
  const child = spawn(process.execPath, ['--import', 'tsx', contender], {
    cwd: root,
    env: { ...process.env, METADATA_SERVER_DETECTION: 'none', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let resolveFirst: (line: string) => void;
  const firstLine = new Promise<string>((resolveLine) => (resolveFirst = resolveLine));
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk;
    if (output.includes('\n')) resolveFirst(output.split('\n')[0]!);
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const done = new Promise<{ code: number | null; output: string }>((resolveDone) =>
    child.on('close', (code) => {
      resolveFirst(`exited ${code}: ${output}`);
      resolveDone({ code, output });
    }),
  );
  return { done, kill: () => child.kill('SIGKILL'), firstLine };
}

interface BackendUnderTest {
  name: string;
  skipReason: () => string | undefined;
  setUp: () => Promise<{ kind: string; setting: string; tearDown: () => Promise<void> }>;
}

const backends: BackendUnderTest[] = [
  {
    name: 'local files',
    skipReason: () => undefined,
    setUp: async () => {
      const folder = mkdtempSync(join(tmpdir(), 'props-locks-'));
      return { kind: 'local', setting: folder, tearDown: async () => rmSync(folder, { recursive: true, force: true }) };
    },
  },
  {
    name: 'Firestore emulator',
    skipReason: () => emulatorUnavailable('firestore'),
    setUp: async () => {
      const emulator: RunningEmulator = await startEmulator('firestore');
      return { kind: 'firestore', setting: emulator.host, tearDown: () => emulator.stop() };
    },
  },
];

for (const backendUnderTest of backends) {
  const skipReason = backendUnderTest.skipReason();
  if (skipReason) {
    console.warn(`SKIPPED distributed-lock contract on ${backendUnderTest.name}: ${skipReason}`);
    if (process.env.PROPS_REQUIRE_EMULATORS === 'true')
      throw new Error(`PROPS_REQUIRE_EMULATORS is set but ${skipReason}`);
  }

  describe.skipIf(Boolean(skipReason))(`distributed-lock contract on ${backendUnderTest.name}`, () => {
    let kind = '';
    let setting = '';
    let tearDown: () => Promise<void> = async () => {};
    let backend: LockBackend;
    const lockFor = (holder: string) => new DistributedLock(backend, holder);

    beforeAll(async () => {
      ({ kind, setting, tearDown } = await backendUnderTest.setUp());
      backend = lockBackendFor(kind, setting);
    }, 90_000);
    afterAll(() => tearDown());

    it('8 processes contending over many rounds never overlap, and tokens increase', async () => {
      const key = freshKey('contended');
      const log = join(mkdtempSync(join(tmpdir(), 'props-lock-log-')), 'holders.log');
      writeFileSync(log, '');
      const rounds = 6;
      const processes = Array.from({ length: 8 }, (_, index) =>
        runContender({
          LOCK_BACKEND: kind,
          LOCK_SETTING: setting,
          HOLDER: `p${index}`,
          LOCK_KEY: key,
          LEASE_MS: '30000',
          MODE: 'contend',
          ROUNDS: String(rounds),
          LOG_FILE: log,
        }),
      );
      const results = await Promise.all(processes.map((process) => process.done));
      for (const result of results) expect(result.code, result.output).toBe(0);
      const lines = readFileSync(log, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(8 * rounds * 2);
      let lastToken = 0;
      for (let index = 0; index < lines.length; index += 2) {
        const [enterWord, enterToken, enterHolder, enteredAt] = lines[index]!.split(' ');
        const [leaveWord, leaveToken, leaveHolder, leftAt] = lines[index + 1]!.split(' ');
        expect(Number(leftAt)).toBeGreaterThanOrEqual(Number(enteredAt));
        expect([enterWord, leaveWord], `line ${index}: another holder entered before ${enterHolder} left`).toEqual([
          'enter',
          'leave',
        ]);
        expect([leaveToken, leaveHolder]).toEqual([enterToken, enterHolder]);
        expect(Number(enterToken)).toBeGreaterThan(lastToken);
        lastToken = Number(enterToken);
      }
      expect(new Set(lines.map((line) => line.split(' ')[2])).size).toBe(8);
    }, 180_000);

    it('a holder killed with SIGKILL blocks others until its lease expires, not longer', async () => {
      const key = freshKey('killed');
      const holder = runContender({
        LOCK_BACKEND: kind,
        LOCK_SETTING: setting,
        HOLDER: 'doomed',
        LOCK_KEY: key,
        LEASE_MS: '1500',
        MODE: 'hold',
      });
      const held = JSON.parse(await holder.firstLine) as Lease;
      holder.kill();
      await holder.done;
      const successor = lockFor('successor');
      if (Date.now() < held.expiresAt - 300) {
        await expect(
          successor.acquire(key, { leaseMs: 5_000, maxWaitMs: 0, retryIntervalMs: 10 }),
        ).rejects.toBeInstanceOf(LockTimeoutError);
      }
      const lease = await successor.acquire(key, { leaseMs: 5_000, maxWaitMs: 20_000, retryIntervalMs: 20 });
      const acquiredAt = Date.now();
      expect(acquiredAt).toBeGreaterThanOrEqual(held.expiresAt);
      expect(lease.token).toBe(held.token + 1);
      await successor.release(lease);
    }, 60_000);

    it("an expired holder's renew and release fail and leave the new holder alone", async () => {
      const key = freshKey('expired');
      const first = lockFor('first');
      const second = lockFor('second');
      const old = await first.acquire(key, { leaseMs: 200, maxWaitMs: 0, retryIntervalMs: 10 });
      await sleep(300);
      const current = await second.acquire(key, { leaseMs: 10_000, maxWaitMs: 0, retryIntervalMs: 10 });
      expect(current.token).toBeGreaterThan(old.token);
      await expect(first.renew(old, 10_000)).rejects.toBeInstanceOf(LeaseLostError);
      await expect(first.release(old)).rejects.toBeInstanceOf(LeaseLostError);
      await expect(
        lockFor('third').acquire(key, { leaseMs: 1_000, maxWaitMs: 0, retryIntervalMs: 10 }),
      ).rejects.toBeInstanceOf(LockTimeoutError);
      const renewed = await second.renew(current, 10_000);
      await second.release(renewed);
      await expect(second.release(renewed)).rejects.toBeInstanceOf(LeaseLostError);
    });

    it('renewal keeps a lock beyond its first lease', async () => {
      const key = freshKey('renewed');
      const intruder = lockFor('intruder');
      const attempts: string[] = [];
      const result = await lockFor('worker').withLock(
        key,
        { leaseMs: 400, maxWaitMs: 0, retryIntervalMs: 10 },
        async ({ lease, signal }) => {
          for (let check = 0; check < 4; check += 1) {
            await sleep(300);
            await intruder.acquire(key, { leaseMs: 400, maxWaitMs: 0, retryIntervalMs: 10 }).then(
              () => attempts.push('intruder got in'),
              (error: unknown) => attempts.push(error instanceof LockTimeoutError ? 'refused' : String(error)),
            );
          }
          expect(signal.aborted).toBe(false);
          return lease.token;
        },
      );
      expect(attempts).toEqual(['refused', 'refused', 'refused', 'refused']);
      expect(result).toBeGreaterThan(0);
      const after = await intruder.acquire(key, { leaseMs: 400, maxWaitMs: 0, retryIntervalMs: 10 });
      expect(after.token).toBe(result + 1);
      await intruder.release(after);
    });

    it('waiting gives up at its deadline with LockTimeoutError', async () => {
      const key = freshKey('timeout');
      const held = await lockFor('holder').acquire(key, { leaseMs: 10_000, maxWaitMs: 0, retryIntervalMs: 10 });
      const error = await lockFor('waiter')
        .acquire(key, { leaseMs: 1_000, maxWaitMs: 300, retryIntervalMs: 50 })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(LockTimeoutError);
      expect((error as LockTimeoutError).waitedMs).toBeGreaterThanOrEqual(300);
      expect((error as Error).message).toContain(key);
      await lockFor('holder').release(held);
    });

    it('different keys do not block each other', async () => {
      const a = await lockFor('a').acquire(freshKey('key-a'), { leaseMs: 10_000, maxWaitMs: 0, retryIntervalMs: 10 });
      const b = await lockFor('b').acquire(freshKey('key-b'), { leaseMs: 10_000, maxWaitMs: 0, retryIntervalMs: 10 });
      expect(a.key).not.toBe(b.key);
      await lockFor('a').release(a);
      await lockFor('b').release(b);
    });

    it('withLock releases when the work throws, and rethrows its error', async () => {
      const key = freshKey('throws');
      await expect(
        lockFor('failing').withLock(key, { leaseMs: 5_000, maxWaitMs: 0, retryIntervalMs: 10 }, async () => {
          throw new Error('merge failed');
        }),
      ).rejects.toThrow('merge failed');
      const next = await lockFor('next').acquire(key, { leaseMs: 1_000, maxWaitMs: 0, retryIntervalMs: 10 });
      await lockFor('next').release(next);
    });
  });
}

describe('distributed-lock bad input', () => {
  const lock = new DistributedLock(lockBackendFor('local', mkdtempSync(join(tmpdir(), 'props-locks-bad-'))), 'tester');
  const good = { leaseMs: 1_000, maxWaitMs: 0, retryIntervalMs: 10 };
  it.each([
    ['an empty key', '', good, 'lock key: is empty'],
    ['an oversized key', 'k'.repeat(201), good, 'lock key: is 201 characters; at most 200'],
    ['a key with a slash', 'consolidation/2025-01-15', good, 'has characters a backend cannot store'],
    ['a key starting with a dot', '..', good, 'has characters a backend cannot store'],
    [
      'a lease shorter than the retry interval',
      'k',
      { leaseMs: 10, maxWaitMs: 0, retryIntervalMs: 50 },
      'lock leaseMs: (10 ms) is shorter than retryIntervalMs',
    ],
    ['a zero lease', 'k', { leaseMs: 0, maxWaitMs: 0, retryIntervalMs: 10 }, 'lock leaseMs: must be a positive number'],
    [
      'a negative wait',
      'k',
      { leaseMs: 100, maxWaitMs: -1, retryIntervalMs: 10 },
      'lock maxWaitMs: must be a non-negative number',
    ],
    [
      'a NaN retry interval',
      'k',
      { leaseMs: 100, maxWaitMs: 0, retryIntervalMs: Number.NaN },
      'lock retryIntervalMs: must be a positive number',
    ],
  ])('refuses %s at the call', async (_label, key, options, message) => {
    const error = await lock.acquire(key, options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LockArgumentError);
    expect((error as Error).message).toContain(message);
  });
});

describe('local lease files', () => {
  it('refuses a claim read long ago whose token file a newer winner has removed since (no second holder)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'props-lease-stale-'));
    const key = 'consolidation_2025-03-15';
    const options = { leaseMs: 60_000, maxWaitMs: 0, retryIntervalMs: 10 };
    const others = new DistributedLock(new LocalLockBackend(folder), 'others');
    for (let round = 0; round < 3; round += 1) await others.release(await others.acquire(key, options));
    const holder = await others.acquire(key, options);
    expect(holder.token).toBe(4);
    expect(existsSync(join(folder, key, 'lease-000000000001.json'))).toBe(false);
    // A contender that listed the folder when token 1 was the newest (released), then was descheduled
    // while three more holders came and went: its read says token 1, so it claims token 2, whose file is gone.
    const stale = new LocalLockBackend(folder);
    Object.assign(stale, {
      latest: () => ({ holderId: 'others', token: 1, expiresAt: 0, released: true }),
    });
    expect(await stale.tryAcquire(key, 'descheduled', 60_000)).toBeNull();
    expect(readdirSync(join(folder, key)).sort()).toEqual(['lease-000000000003.json', 'lease-000000000004.json']);
    await others.release(holder);
  });

  it('does not wedge a key whose newest lease file is torn: the next holder gets the next token', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'props-lease-torn-'));
    const lock = new DistributedLock(new LocalLockBackend(folder), 'holder-a');
    const first = await lock.acquire('consolidation_2025-03-15', {
      leaseMs: 60_000,
      maxWaitMs: 0,
      retryIntervalMs: 10,
    });
    writeFileSync(join(folder, 'consolidation_2025-03-15', `lease-${String(first.token).padStart(12, '0')}.json`), '');
    const next = await new DistributedLock(new LocalLockBackend(folder), 'holder-b').acquire(
      'consolidation_2025-03-15',
      { leaseMs: 60_000, maxWaitMs: 0, retryIntervalMs: 10 },
    );
    expect(next.token).toBe(first.token + 1);
  });

  it('does not wedge a key whose newest lease file parses but has the wrong shape (null, {}, a number, a string expiry, another token)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'props-lease-shape-'));
    const key = 'consolidation_2025-03-15';
    const options = { leaseMs: 60_000, maxWaitMs: 0, retryIntervalMs: 10 };
    let token = (await new DistributedLock(new LocalLockBackend(folder), 'holder-0').acquire(key, options)).token;
    const shapes = [
      'null',
      '{}',
      '42',
      '"lease"',
      JSON.stringify({ holderId: 'x', token, expiresAt: '9999-01-01', released: false }),
      JSON.stringify({ holderId: 'x', token: token + 100, expiresAt: Date.now() + 3_600_000, released: false }),
    ];
    for (const [index, shape] of shapes.entries()) {
      writeFileSync(join(folder, key, `lease-${String(token).padStart(12, '0')}.json`), shape);
      const next = await new DistributedLock(new LocalLockBackend(folder), `holder-${index + 1}`).acquire(key, options);
      expect(next.token, shape).toBe(token + 1);
      token = next.token;
    }
  });
});
