// A probe bundled with the build's own options: fastify starts without loading semver, and a
// plugin that declares a fastify version range still has it checked (semver loaded then).
// NODE_DEBUG=semver makes semver print a "SEMVER" line for each expression it builds when loaded.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleProbe } from './bundle-probe';

const folder = mkdtempSync(join(tmpdir(), 'props-lazy-semver-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const PROBE = `import fastify from 'fastify';
const app = fastify();
const plugin = async () => {};
const range = process.argv[2];
if (range) (plugin as unknown as Record<symbol, unknown>)[Symbol.for('plugin-meta')] = { name: 'probe', fastify: range };
void app.register(plugin);
try {
  await app.ready();
  console.log('ready');
} catch (error) {
  console.log((error as { code?: string }).code);
}
`;

describe("fastify's semver in a bundle", () => {
  let outdir: string;
  const start = (...args: string[]) => {
    const run = spawnSync(process.execPath, ['main.js', ...args], {
      cwd: outdir,
      encoding: 'utf8',
      env: { ...process.env, NODE_DEBUG: 'semver' },
    });
    expect(run.status, run.stderr).toBe(0);
    return { outcome: run.stdout.trim(), semverLoaded: run.stderr.includes('SEMVER') };
  };

  beforeAll(async () => {
    outdir = await bundleProbe(folder, { 'probe.ts': PROBE });
  }, 120_000);

  it('is not loaded by a start whose plugins declare no fastify version', () => {
    expect(start()).toEqual({ outcome: 'ready', semverLoaded: false });
  });

  it("still checks a plugin's declared range", () => {
    expect(start('5.x')).toEqual({ outcome: 'ready', semverLoaded: true });
    expect(start('4.x')).toEqual({ outcome: 'FST_ERR_PLUGIN_VERSION_MISMATCH', semverLoaded: true });
  });
});
