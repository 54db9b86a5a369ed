// A probe that imports node:fs, node:crypto, node:path, node:util, node:events and node:process, bundled with the
// build's own options and run: it works, and Node did not load fs's streams or util's parseArgs,
// which the ES facades of node:fs and node:util would have loaded (and esbuild's copy of node:util's
// exports too).
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
import * as util from 'node:util';
import { promisify } from 'node:util';
import EventEmitter from 'node:events';
import processModule from 'node:process';
const digest = crypto.createHash('sha256').update(readFileSync(import.meta.filename)).digest('hex');
const emitted = await new Promise((resolve) => {
  const emitter = new EventEmitter();
  emitter.once('value', resolve);
  emitter.emit('value', util.format('%s-%d', 'emitted', 1));
});
const waited = await promisify((callback) => callback(null, 'promisified'))();
// An emitter keeps its listeners and their count in its own properties: it must be the object itself.
const sameProcess = processModule === process;
const lazy = process.moduleLoadList.filter((loaded) => loaded.endsWith('internal/fs/streams') || loaded.endsWith('internal/util/parse_args/parse_args'));
console.log(JSON.stringify({ digest, base: path.basename(import.meta.filename), emitted, waited, sameProcess, lazy }));
`;

function run(file: string) {
  const result = spawnSync(process.execPath, [file], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as {
    digest: string;
    base: string;
    emitted: string;
    waited: string;
    sameProcess: boolean;
    lazy: string[];
  };
}

describe('built-in modules in a bundle', () => {
  it('are taken with require: the code works and loads neither fs streams nor util parseArgs', async () => {
    // The same code unbundled, as an ES module: its imports of node:fs and node:util load both.
    writeFileSync(join(folder, 'unbundled.mjs'), PROBE);
    const outdir = await bundleProbe(folder, { 'probe.ts': PROBE });

    expect(run(join(folder, 'unbundled.mjs')).lazy).toHaveLength(2);
    const bundled = run(join(outdir, 'main.js'));
    expect(bundled).toMatchObject({
      base: 'main.js',
      emitted: 'emitted-1',
      waited: 'promisified',
      sameProcess: true,
      lazy: [],
    });
    expect(bundled.digest).toMatch(/^[0-9a-f]{64}$/);
  }, 120_000);
});
