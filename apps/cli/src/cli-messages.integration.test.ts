import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { propsAsync, repositoryRoot } from './test-support/props-process';

// The bundle is built once, before the parallel runs below (each would otherwise rebuild a stale one).
beforeAll(() => propsAsync({}, '--version'), 300_000);

/** What each bad input gets: one line (plus the usage line for a usage error), never a stack. */
const STACK = /\n\s+at /;

async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<{
  server: Server;
  url: string;
}> {
  const server = createServer(handler);
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A port nothing listens on: one that was just free. */
async function closedPort(): Promise<number> {
  const { server } = await serve(() => undefined);
  const { port } = server.address() as AddressInfo;
  await new Promise((resolveClose) => server.close(resolveClose));
  return port;
}

describe('props help and did-you-mean', () => {
  it('answers --help on every command, subcommand and group with its options, and suggests what a typo meant', async () => {
    const top = await propsAsync({}, '--help');
    const names = top.stdout
      .split('\n')
      .filter((line) => /^ {2}[a-z]/.test(line))
      .map((line) => line.trim().split(/ {2,}/)[0]!);
    expect(names).toEqual(expect.arrayContaining(['run', 'report', 'warehouse migrate', 'models convert', 'version']));
    const helps = await Promise.all(names.map((name) => propsAsync({}, ...name.split(' '), '--help')));
    for (const [index, help] of helps.entries()) {
      expect([names[index], help.code, help.stderr]).toEqual([names[index], 0, '']);
      expect(help.stdout, names[index]).toMatch(new RegExp(`^usage: props ${names[index]}`));
      if (names[index] !== 'version') expect(help.stdout, names[index]).toContain('\noptions:\n');
    }
    const byName = new Map(names.map((name, index) => [name, helps[index]!.stdout]));
    expect(byName.get('run')).toMatch(/\nenvironment:\n(.|\n)*PROPS_DATA_DIR/);
    expect(byName.get('models convert')).toMatch(/--out FILE\.onnx +where the ONNX model goes/);
    expect(byName.get('version')).not.toMatch(/^props \d/);

    const [warehouse, models, bareGroup, typo, subTypo, optionTypo, far] = await Promise.all([
      propsAsync({}, 'warehouse', '--help'),
      propsAsync({}, 'models', '--help'),
      propsAsync({}, 'warehouse'),
      propsAsync({}, 'reprot', '--date', '2025-03-15'),
      propsAsync({}, 'warehouse', 'migrat'),
      propsAsync({}, 'report', '--dat', '2025-03-15'),
      propsAsync({}, 'xyzzy'),
    ]);
    expect(warehouse.code).toBe(0);
    expect(warehouse.stdout).toMatch(/^usage: props warehouse <subcommand>/);
    expect(warehouse.stdout).toMatch(/\n {2}warehouse seed +build/);
    expect(warehouse.stdout).toMatch(/\n {2}warehouse migrate +/);
    expect(models.stdout).toMatch(/\n {2}models convert +convert/);
    expect([bareGroup.code, bareGroup.stderr.split('\n')[0]]).toEqual([2, 'props warehouse: name a subcommand']);
    expect([typo.code, typo.stderr]).toEqual([
      2,
      'props: unknown command "reprot"; did you mean "props report"? (props --help lists the commands)\n',
    ]);
    expect(subTypo.stderr).toBe(
      'props: unknown subcommand "migrat" of warehouse; did you mean "props warehouse migrate"? (props --help lists the commands)\n',
    );
    expect([optionTypo.code, optionTypo.stderr.split('\n')[0]]).toEqual([
      2,
      'props report: unknown option --dat; did you mean --date? (--help lists the options)',
    ]);
    expect(far.stderr).toBe('props: unknown command "xyzzy" (props --help lists the commands)\n');
  }, 400_000);
});

describe('props report destinations and dates', () => {
  it('refuses a directory, a path under a file and malformed gs:// destinations before any work, in one line', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'props-out-'));
    const warehouse = join(folder, 'warehouse.duckdb');
    expect((await propsAsync({}, 'warehouse', 'seed', '--out', warehouse)).code).toBe(0);
    writeFileSync(join(folder, 'plain-file'), 'x');
    const report = (env: NodeJS.ProcessEnv, ...args: string[]) =>
      propsAsync(env, 'report', '--date', '2025-03-15', '--warehouse', warehouse, ...args);
    const cases: Array<[string, Promise<{ code: number | null; stderr: string }>, string]> = [
      [
        'a directory',
        report({}, '--out', folder),
        `props report: --out: ${folder} is a directory; name the file, e.g. ${join(folder, 'report-2025-03-15.html')}`,
      ],
      [
        'a path under a file',
        report({}, '--out', join(folder, 'plain-file', 'x.html')),
        `props report: --out: cannot write ${join(folder, 'plain-file', 'x.html')}: ${join(folder, 'plain-file')} is a file, not a directory`,
      ],
      [
        'upper-case GS://',
        report({}, '--out', 'GS://bucket/x.html'),
        'props report: --out: expected gs://bucket/path.html (lower-case gs, two slashes, a bucket and an object name), got "GS://bucket/x.html"',
      ],
      [
        'gs:/ with one slash',
        report({}, '--out', 'gs:/bucket/x.html'),
        'props report: --out: expected gs://bucket/path.html (lower-case gs, two slashes, a bucket and an object name), got "gs:/bucket/x.html"',
      ],
      [
        'an empty gs://',
        report({}, '--out', 'gs://'),
        'props report: --out: expected gs://bucket/path.html (lower-case gs, two slashes, a bucket and an object name), got "gs://"',
      ],
      [
        'an empty gs:// report location',
        report({ PROPS_REPORT_LOCATION: 'gs://' }),
        'props report: PROPS_REPORT_LOCATION: expected gs://bucket or gs://bucket/prefix, got "gs://"',
      ],
    ];
    for (const [name, run, line] of cases) {
      const result = await run;
      expect([name, result.code, result.stderr.split('\n')[0]]).toEqual([name, 2, line]);
      expect(result.stderr, name).not.toMatch(STACK);
    }
    // Nothing was written to a local path that only looks like the URL.
    for (const local of ['GS:', 'gs:', 'report-2025-03-15.html'])
      expect(existsSync(join(repositoryRoot, local)), local).toBe(false);

    const offSeason = await report({}, '--date', '2025-07-01');
    expect([offSeason.code, offSeason.stderr]).toEqual([
      1,
      'props report: no games were scheduled on 2025-07-01: it is in the off-season (the regular season starts in October; the finals end in June); there is nothing to report\n',
    ]);

    // A graded date's page names the players as the warehouse has them, never by lookup key.
    expect(
      (await propsAsync({}, 'backfill', '--from', '2025-03-15', '--to', '2025-03-15', '--warehouse', warehouse)).code,
    ).toBe(0);
    const page = join(folder, 'page.html');
    expect((await report({}, '--out', page)).code).toBe(0);
    const misses = readFileSync(page, 'utf8').split('data-table="misses"')[1]!;
    const players = [...misses.matchAll(/<tr><td>([^<]+)<\/td>/g)].map((match) =>
      match[1]!.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))),
    );
    expect(players).toHaveLength(10);
    for (const player of players) expect(player).toMatch(/^[A-Z][\p{L}.'-]* [\p{L} .'-]+$/u);
  }, 240_000);
});

describe('props against unreachable services', () => {
  it('gives up on gcp within the wait, in one line with the cause and the sign-in hint', async () => {
    const port = await closedPort();
    const gcp = {
      PROPS_BACKEND: 'gcp',
      GCP_PROJECT_ID: 'props-test',
      PROPS_CLOUD_WAIT_SECONDS: '3',
      GOOGLE_APPLICATION_CREDENTIALS: '',
    };
    const [refused, noCredentials] = await Promise.all([
      propsAsync(
        {
          ...gcp,
          FIRESTORE_EMULATOR_HOST: `127.0.0.1:${port}`,
          PROPS_BIGQUERY_ENDPOINT: `http://127.0.0.1:${port}`,
        },
        'grade',
        '--date',
        '2025-03-15',
      ),
      propsAsync(gcp, 'grade', '--date', '2025-03-15'),
    ]);
    expect([refused.code, refused.stderr]).toEqual([
      1,
      `props grade: Firestore (project props-test) did not answer within 3 s (127.0.0.1:${port}: connection refused (nothing listens there) [ECONNREFUSED]); check the network, GCP_PROJECT_ID and any *_EMULATOR_HOST or PROPS_BIGQUERY_ENDPOINT, then gcloud auth application-default login\n`,
    ]);
    expect(noCredentials.code).toBe(1);
    expect(noCredentials.stderr).toMatch(/^props grade: [^\n]*gcloud auth application-default login\n$/);
  }, 240_000);

  it('names why a coordinator did not answer, and redacts credentials in the URL it prints', async () => {
    const port = await closedPort();
    const [refused, dns] = await Promise.all([
      propsAsync({}, 'status', '--coordinator', `http://127.0.0.1:${port}`, '--date', '2025-03-15'),
      propsAsync({}, 'status', '--coordinator', 'http://props-test.invalid', '--batch', 'b'),
    ]);
    expect([refused.code, refused.stderr]).toEqual([
      1,
      `props status: http://127.0.0.1:${port}/status?game_date=2025-03-15 did not answer: connection refused (nothing listens there) [ECONNREFUSED]\n`,
    ]);
    expect(dns.stderr).toMatch(/^props status: http:\/\/props-test\.invalid\/status\/b did not answer: DNS: /);
    const smoke = await propsAsync({}, 'smoke', '--coordinator', `http://user:hunter2@127.0.0.1:${port}`);
    expect([smoke.code, smoke.stdout]).toEqual([
      1,
      `FAILED  http://user:REDACTED@127.0.0.1:${port}/health/ready: a URL with user:password@ is not called; give the coordinator's key in PROPS_API_KEY\nsmoke FAILED\n`,
    ]);
    expect(smoke.stdout).not.toContain('hunter2');
  }, 240_000);
});

describe('props keeps its credentials and its memory', () => {
  it('never carries x-api-key to another origin, follows a same-origin redirect, and refuses an oversized answer', async () => {
    const elsewhere: Array<string | undefined> = [];
    const other = await serve((request, response) => {
      elsewhere.push(request.headers['x-api-key'] as string | undefined);
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ game_date: '2025-03-15', batches: [] }));
    });
    const keysSeen: Array<string | undefined> = [];
    const coordinator = await serve((request, response) => {
      keysSeen.push(request.headers['x-api-key'] as string | undefined);
      if (request.url?.startsWith('/status?game_date=2025-03-14')) {
        response.writeHead(302, { location: `${other.url}/status?game_date=2025-03-14` }).end();
      } else if (request.url?.startsWith('/status?game_date=2025-03-15')) {
        response.writeHead(307, { location: '/v2/status?game_date=2025-03-15' }).end();
      } else if (request.url?.startsWith('/v2/status')) {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ game_date: '2025-03-15', batches: [] }));
      } else {
        // 6 MB of a status list: more than any coordinator answers.
        response.setHeader('content-type', 'application/json');
        response.write('{"game_date":"2025-03-16","batches":[');
        for (let chunk = 0; chunk < 6; chunk += 1) response.write(`${'"x",'.repeat(262_144)}`);
        response.end('"x"]}');
      }
    });
    const env = { PROPS_API_KEY: 'the-key' };
    const [crossOrigin, sameOrigin, oversized] = await Promise.all([
      propsAsync(env, 'status', '--coordinator', coordinator.url, '--date', '2025-03-14'),
      propsAsync(env, 'status', '--coordinator', coordinator.url, '--date', '2025-03-15'),
      propsAsync(env, 'status', '--coordinator', coordinator.url, '--date', '2025-03-16'),
    ]);
    coordinator.server.close();
    other.server.close();
    expect(elsewhere).toEqual([]);
    expect([crossOrigin.code, crossOrigin.stderr]).toEqual([
      1,
      `props status: ${coordinator.url}/status?game_date=2025-03-14 redirected (HTTP 302) to another origin, ${other.url}: not followed, so the credentials stay with ${coordinator.url}; call the service's own URL\n`,
    ]);
    expect([sameOrigin.code, sameOrigin.stdout]).toEqual([0, 'no batches of 2025-03-15\n']);
    expect(keysSeen.every((key) => key === 'the-key')).toBe(true);
    expect([oversized.code, oversized.stderr]).toEqual([
      1,
      `props status: ${coordinator.url}/status?game_date=2025-03-16 answered more than 4 MB (HTTP 200): not a service answer the CLI reads\n`,
    ]);
  }, 240_000);
});
