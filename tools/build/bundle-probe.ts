// For the build's tests: a probe bundled exactly as an app is, so a test runs the probe's code
// inside a real bundle (the build's plugins, chunks and banner) as a child process.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';

/** build-app.mjs as its TypeScript callers see it. */
export type BuildModule = {
  bundleOptions(options: {
    root: string;
    entry: string;
    outdir: string;
    tsconfig: string;
    external: string[];
  }): esbuild.BuildOptions;
};

const root = resolve(import.meta.dirname, '../..');

/**
 * Writes `sources` (file name → text, the first one the entry) into `<folder>/src` and bundles
 * them with the apps' options into `<folder>/dist`, beside the generated package.json's
 * `"type": "module"`. Packages resolve from the workspace, as the folder lies outside it;
 * `external` packages (native ones, as an app's project.json lists them) are left for Node to load
 * at run time, so a probe using them must lie inside the workspace.
 * Returns the bundle's folder, which holds main.js.
 */
export async function bundleProbe(
  folder: string,
  sources: Record<string, string>,
  external: string[] = [],
): Promise<string> {
  const sourceDir = join(folder, 'src');
  const outdir = join(folder, 'dist');
  mkdirSync(sourceDir, { recursive: true });
  for (const [name, text] of Object.entries(sources)) writeFileSync(join(sourceDir, name), text);
  const { bundleOptions } = (await import(join(import.meta.dirname, 'build-app.mjs'))) as BuildModule;
  await esbuild.build({
    ...bundleOptions({
      root,
      entry: join(sourceDir, Object.keys(sources)[0] ?? 'probe.ts'),
      outdir,
      tsconfig: join(root, 'apps/worker/tsconfig.json'),
      external,
    }),
    nodePaths: [join(root, 'node_modules')],
  });
  writeFileSync(join(outdir, 'package.json'), JSON.stringify({ type: 'module' }));
  return outdir;
}
