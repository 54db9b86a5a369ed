import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { propsAsync } from './test-support/props-process';

const root = resolve(import.meta.dirname, '../../..');
const props = (...args: string[]) =>
  spawnSync(process.execPath, ['tools/bin/props.cjs', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
  });

describe('props, as an operator uses it', () => {
  it("prints each command's options and the environment it reads with --help, and aligned top-level help", () => {
    const grade = props('grade', '--help');
    expect(grade.status).toBe(0);
    expect(grade.stdout).toMatch(/^usage: props grade /);
    expect(grade.stdout).toMatch(
      /\n {2}--date D +yesterday or today \(America\/New_York\), YYYY-MM-DD, or a range FROM\.\.TO\n/,
    );
    expect(grade.stdout).toContain('environment:');
    expect(grade.stdout).toContain('PROPS_GRADING_TRIGGER');
    const top = props('--help');
    expect(top.status).toBe(0);
    const commandLines = top.stdout.split('\n').filter((line) => /^ {2}[a-z]/.test(line));
    expect(commandLines.length).toBeGreaterThan(8);
    // Every summary starts in the same column.
    const summaryColumns = new Set(commandLines.map((line) => /^ {2}\S+(?: \S+)* {2,}/.exec(line)![0].length));
    expect(summaryColumns.size).toBe(1);
    expect(props('--version').stdout).toMatch(/^props 0\.1\.0 \(commit \S+, built \S+\)\n$/);
  }, 240_000);

  it('states a known error in one line and exits 1, never a stack trace', () => {
    const folder = mkdtempSync(join(tmpdir(), 'props-cli-'));
    const missing = props('grade', '--date', '2025-03-15', '--warehouse', join(folder, 'none.duckdb'));
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toBe(
      `props grade: warehouse ${join(folder, 'none.duckdb')} does not exist; build it with: props warehouse seed --out ${join(folder, 'none.duckdb')}`,
    );
    writeFileSync(join(folder, 'torn.duckdb'), 'torn '.repeat(1000));
    const torn = props('warehouse', 'migrate', '--warehouse', join(folder, 'torn.duckdb'));
    expect(torn.status).toBe(1);
    // Not a DuckDB file at all: DuckDB calls it invalid, which reads as damaged (restore or rebuild), in one line.
    expect(torn.stderr).toMatch(
      /^props warehouse migrate: warehouse \S+torn\.duckdb is damaged \(truncated or corrupt: .*\); restore it from a copy or rebuild it with props warehouse seed\n$/,
    );
    expect(torn.stderr).not.toMatch(/\n\s+at /);
    const gcp = spawnSync(process.execPath, ['tools/bin/props.cjs', 'verify', '--date', '2025-03-15'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, PROPS_BACKEND: 'gcp', GCP_PROJECT_ID: '' },
    });
    expect(gcp.status).toBe(1);
    expect(gcp.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  }, 240_000);

  it('prints one parseable JSON document with --json from verify and grade, logs staying on stderr', () => {
    const warehouse = join(mkdtempSync(join(tmpdir(), 'props-cli-json-')), 'warehouse.duckdb');
    expect(props('warehouse', 'seed', '--out', warehouse).status).toBe(0);
    const verify = props('verify', '--date', '2025-03-15', '--json', '--warehouse', warehouse);
    const verified = JSON.parse(verify.stdout) as { scope: string; rows: number; passed: boolean; failures: string[] };
    expect(verified).toMatchObject({ scope: 'game_date 2025-03-15', rows: 0, passed: false });
    expect(verify.status).toBe(1);
    const grade = props('grade', '--date', '2025-03-14..2025-03-15', '--json', '--warehouse', warehouse);
    const graded = JSON.parse(grade.stdout) as {
      dates: Array<{ game_date: string; graded: number; skipped?: string }>;
      graded_dates: number;
    };
    expect(graded.graded_dates).toBe(0);
    expect(
      graded.dates.map((date) => [
        date.game_date,
        date.graded,
        date.skipped?.startsWith('no predictions of real prop lines'),
      ]),
    ).toEqual([
      ['2025-03-14', 0, true],
      ['2025-03-15', 0, true],
    ]);
    expect(grade.status).toBe(1);
  }, 240_000);

  it('stops quietly when the reader closes the pipe early', async () => {
    const child = spawn(process.execPath, ['tools/bin/props.cjs', 'warehouse', 'schema', '--duckdb'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    await new Promise<void>((resolveFirst) => child.stdout.once('data', () => resolveFirst()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolveExit) =>
      child.on('close', (exitCode) => resolveExit(exitCode)),
    );
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  }, 240_000);

  it("reads a coordinator's answer through the status contract, naming the field a wrong answer gets wrong", async () => {
    // A coordinator of another version: its status lacks `load` and says `done` instead of a known phase.
    const server = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify(
          request.url?.startsWith('/status/')
            ? { batch_id: 'batch_x', game_date: '2025-03-15', status: 'done' }
            : { game_date: '2025-03-15', batches: 'none' },
        ),
      );
    });
    await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const one = await propsAsync({}, 'status', '--coordinator', url, '--batch', 'batch_x');
    const byDate = await propsAsync({}, 'status', '--coordinator', url, '--date', '2025-03-15');
    server.close();
    expect([one.code, one.stderr]).toEqual([
      1,
      `props status: ${url}/status/batch_x answered HTTP 200 with an unexpected body: dataset_prefix: Invalid input: expected string, received undefined\n`,
    ]);
    expect([byDate.code, byDate.stderr.trim()]).toEqual([
      1,
      `props status: ${url}/status?game_date=2025-03-15 answered HTTP 200 with an unexpected body: batches: Invalid input: expected array, received string`,
    ]);
  }, 240_000);
});
