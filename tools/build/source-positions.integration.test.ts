// A bundle built with the build's plugins and run as the images run it (NODE_OPTIONS=--enable-source-maps):
// an error line names the TypeScript file and line, and pino's call-site lookup is unmapped (so the
// first logger no longer makes Node parse the whole source map at start).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const folder = mkdtempSync(join(tmpdir(), 'props-source-positions-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const ENTRY = `import { createLogger } from '@props/observability';
const logger = createLogger({ service: 'probe', destination: 1 });
function failing(): never {
  throw new Error('probe failure');
}
try {
  failing();
} catch (error) {
  logger.error({ err: error, event: 'probe' }, 'probe failed');
}
`;

type PluginModule = Record<string, () => esbuild.Plugin>;
/** The build's own plugins (JavaScript modules, loaded as the build loads them). */
const plugin = async (file: string, name: string) =>
  ((await import(join(import.meta.dirname, file))) as PluginModule)[name]!();

async function bundle(): Promise<string> {
  const entry = join(folder, 'probe.ts');
  writeFileSync(entry, ENTRY);
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: join(folder, 'main.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    sourcemap: true,
    logLevel: 'warning',
    tsconfig: join(root, 'apps/worker/tsconfig.json'),
    plugins: [
      await plugin('absent-optional-modules.mjs', 'absentOptionalModulesPlugin'),
      await plugin('pino-call-sites.mjs', 'pinoCallSitesPlugin'),
    ],
  });
  return join(folder, 'main.js');
}

describe('source positions in a bundle run with --enable-source-maps', () => {
  it('an error line carries the TypeScript file and line; pino asks for unmapped call sites', async () => {
    const main = await bundle();
    expect(readFileSync(main, 'utf8')).toMatch(/return getCallSites\d*\(\{ sourceMap: false \}\)/);
    const run = spawnSync(process.execPath, [main], {
      cwd: folder,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '--enable-source-maps' },
    });
    expect(run.status, run.stderr).toBe(0);
    const line = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { stack_trace?: string; severity: string };
    expect(line.severity).toBe('ERROR');
    // failing() throws on line 4 of the entry, column 9.
    expect(line.stack_trace).toMatch(/at failing \(.*probe\.ts:4:9\)/);
  }, 120_000);
});
