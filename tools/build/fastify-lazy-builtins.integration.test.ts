// A probe bundled with the build's own options: fastify listens on plain HTTP without loading
// node:https or node:http2, and a server asking for HTTP/2 still gets one (http2 loaded then).
// process.moduleLoadList names every built-in the process has loaded ("NativeModule http2").
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleProbe } from './bundle-probe';

const folder = mkdtempSync(join(tmpdir(), 'props-lazy-builtins-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const PROBE = `import fastify from 'fastify';
const app = process.argv[2] === 'http2' ? fastify({ http2: true }) : fastify();
app.get('/', async () => 'ok');
await app.listen({ port: 0, host: '127.0.0.1' });
const loaded = (name: string) => (process as unknown as { moduleLoadList: string[] }).moduleLoadList.includes('NativeModule ' + name);
console.log(JSON.stringify({ server: app.server.constructor.name, https: loaded('https'), http2: loaded('http2') }));
await app.close();
`;

describe("fastify's https and http2 in a bundle", () => {
  let outdir: string;
  const start = (...args: string[]) => {
    const run = spawnSync(process.execPath, ['main.js', ...args], { cwd: outdir, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    return JSON.parse(run.stdout.trim()) as unknown;
  };

  beforeAll(async () => {
    outdir = await bundleProbe(folder, { 'probe.ts': PROBE });
  }, 120_000);

  it('are not loaded by a plain HTTP server', () => {
    expect(start()).toEqual({ server: 'Server', https: false, http2: false });
  });

  it('still give a server asking for HTTP/2 one', () => {
    expect(start('http2')).toMatchObject({ server: 'Http2Server', http2: true });
  });
});
