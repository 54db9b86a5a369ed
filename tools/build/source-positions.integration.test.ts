// A probe bundled with the build's own options (ES modules, code splitting, the build's plugins) and
// run with the environment the images set (read from docker/worker.Dockerfile: no
// --enable-source-maps, the app maps stacks when they are formatted): an error line and the crash
// stack of an uncaught exception name the TypeScript file and line, also for code in a chunk
// loaded with import(), and pino's call-site lookup is unmapped (so a logger made under
// --enable-source-maps, as a developer may run, does not parse a whole source map either).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleProbe } from './bundle-probe';

const root = resolve(import.meta.dirname, '../..');
const folder = mkdtempSync(join(tmpdir(), 'props-source-positions-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const ENTRY = `import { createLogger, mapStackTracesThroughSourceMaps } from '@props/observability';
mapStackTracesThroughSourceMaps();
const logger = createLogger({ service: 'probe', destination: 1 });
const { failing } = await import('./probe-failing');
if (process.argv.includes('--crash')) setImmediate(failing);
else {
  try {
    failing();
  } catch (error) {
    logger.error({ err: error, event: 'probe' }, 'probe failed');
  }
}
`;

const FAILING = `// Loaded with import(): a chunk of its own.
export function failing(): never {
  throw new Error('probe failure');
}
`;

type DockerfilesModule = { imageEnvironment(root: string, app: string): Record<string, string> };

/** failing() throws on line 3 of its file, column 9. */
const FAILING_FRAME = /at (\w+\.)?failing \(.*[\\/]src[\\/]probe-failing\.ts:3:9\)/;

describe('source positions in a bundle run as the images run it', () => {
  let outdir: string;
  let imageEnv: Record<string, string>;
  const runProbe = (...args: string[]) =>
    spawnSync(process.execPath, ['main.js', ...args], {
      cwd: outdir,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: imageEnv.NODE_OPTIONS ?? '' },
    });

  beforeAll(async () => {
    outdir = await bundleProbe(folder, { 'probe.ts': ENTRY, 'probe-failing.ts': FAILING });
    const dockerfiles = (await import(join(root, 'tools/gate/check-dockerfiles.mjs'))) as DockerfilesModule;
    imageEnv = dockerfiles.imageEnvironment(root, 'worker');
  }, 120_000);

  it('an error line carries the TypeScript file and line; pino asks for unmapped call sites', () => {
    const code = readdirSync(outdir).filter((file) => file.endsWith('.js'));
    expect(code.length, 'main.js and its chunks').toBeGreaterThan(1);
    const patched = code.filter((file) =>
      /return getCallSites\d*\(\{ sourceMap: false \}\)/.test(readFileSync(join(outdir, file), 'utf8')),
    );
    expect(patched).toHaveLength(1);
    const run = runProbe();
    expect(run.status, run.stderr).toBe(0);
    const line = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { stack_trace?: string; severity: string };
    expect(line.severity).toBe('ERROR');
    expect(line.stack_trace).toMatch(FAILING_FRAME);
  });

  it('the stack Node prints for an uncaught exception carries the TypeScript file and line', () => {
    const run = runProbe('--crash');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Error: probe failure');
    expect(run.stderr).toMatch(FAILING_FRAME);
  });
});
