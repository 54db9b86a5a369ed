// A probe that imports node:fs and node:crypto, bundled with the build's own options and run: it
// works, and Node did not load fs's streams, which the ES facade of node:fs would have loaded.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleProbe } from './bundle-probe';

const folder = mkdtempSync(join(tmpdir(), 'props-builtins-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const PROBE = `import { readFileSync } from 'node:fs';
import * as crypto from 'node:crypto';
import path from 'node:path';
const digest = crypto.createHash('sha256').update(readFileSync(import.meta.filename)).digest('hex');
const streams = process.moduleLoadList.filter((loaded) => loaded.endsWith('internal/fs/streams'));
console.log(JSON.stringify({ digest, base: path.basename(import.meta.filename), streams }));
`;

function run(file: string) {
  const result = spawnSync(process.execPath, [file], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { digest: string; base: string; streams: string[] };
}

describe('built-in modules in a bundle', () => {
  it('are taken with require: the code works and node:fs does not load its streams', async () => {
    // The same code unbundled, as an ES module: its import of node:fs loads the streams.
    writeFileSync(join(folder, 'unbundled.mjs'), PROBE);
    const outdir = await bundleProbe(folder, { 'probe.ts': PROBE });

    expect(run(join(folder, 'unbundled.mjs')).streams).toHaveLength(1);
    const bundled = run(join(outdir, 'main.js'));
    expect(bundled.base).toBe('main.js');
    expect(bundled.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(bundled.streams).toEqual([]);
  }, 120_000);
});
