// A probe bundled with the build's own options: a pino logger and a fastify server with a route
// start without loading node:assert (tools/build/lazy-assert.mjs) or pino's transport worker,
// thread-stream, which loads node:assert too (tools/build/pino-transport-on-demand.mjs); a failing
// assertion still throws node:assert's AssertionError, and a transport still requires thread-stream.
// process.moduleLoadList names every built-in the process has loaded ("NativeModule assert").
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleProbe } from './bundle-probe';

const folder = mkdtempSync(join(tmpdir(), 'props-lazy-assert-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const PROBE = `import fastify from 'fastify';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
const loaded = (name: string) => (process as unknown as { moduleLoadList: string[] }).moduleLoadList.includes('NativeModule ' + name);
const mode = process.argv[2];
if (mode === 'transport') {
  // The transport's worker cannot start from a bundle (its file is not there), and an exit would
  // wait for it to flush: the probe prints what building the transport loaded and kills itself.
  // thread-stream requires node:assert for itself (a check without a message, left as it is).
  pino({ transport: { target: fileURLToPath(import.meta.url) } });
  console.log(JSON.stringify({ assert: loaded('assert') }));
  process.kill(process.pid, 'SIGKILL');
} else if (mode === 'failing-assertion') {
  const app = fastify();
  // fastify's plugin check asserts its metadata's dependencies are an array.
  const plugin = Object.assign(async () => {}, { [Symbol.for('plugin-meta')]: { dependencies: 'not an array' } });
  try {
    await app.register(plugin);
  } catch (error) {
    const { name, code, message } = error as { name: string; code: string; message: string };
    console.log(JSON.stringify({ name, code, message, assert: loaded('assert') }));
  }
} else {
  const app = fastify({ loggerInstance: pino({ level: 'warn' }, pino.destination({ dest: 1, sync: true })) });
  app.get('/health/ready', async () => ({ status: 'ok' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  // node:http, not fetch: undici loads node:assert itself.
  const status = await new Promise((resolve) => http.get('http://127.0.0.1:' + address.port + '/health/ready', (response) => resolve(response.resume().statusCode)));
  await app.close();
  console.log(JSON.stringify({ status, assert: loaded('assert') }));
}
`;

describe('node:assert and pino transports in a bundle', () => {
  let outdir: string;
  const start = (...args: string[]) => {
    const run = spawnSync(process.execPath, ['main.js', ...args], { cwd: outdir, encoding: 'utf8' });
    if (args[0] === 'transport') expect(run.signal, run.stderr).toBe('SIGKILL');
    else expect(run.status, run.stderr).toBe(0);
    return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as unknown;
  };

  beforeAll(async () => {
    outdir = await bundleProbe(folder, { 'probe.ts': PROBE });
  }, 120_000);

  it('are not loaded by a server with a logger that answers a request', () => {
    expect(start()).toEqual({ status: 200, assert: false });
  });

  it("still give a failing assertion node:assert's AssertionError", () => {
    expect(start('failing-assertion')).toEqual({
      name: 'AssertionError',
      code: 'ERR_ASSERTION',
      message: 'The dependencies should be an array of strings',
      assert: true,
    });
  });

  it('still load the transport worker for a logger with a transport', () => {
    expect(start('transport')).toEqual({ assert: true });
  });
});
