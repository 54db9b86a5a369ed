#!/usr/bin/env node
// Builds one deployable app into dist/apps/<app>: an ES module bundle for the pinned Node (.node-version), main.js
// plus the chunks it shares or loads with import(), each with its source map, and a metafile, plus a generated
// package.json and lockfile naming exactly its external (native) packages, so the folder installs and runs on its own. What stays external is declared
// in the app's project.json ("bundle": {"external": [...]}); the gate allows only native packages.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { builtinModules } from 'node:module';
import * as esbuild from 'esbuild';
import { absentOptionalModulesPlugin } from './absent-optional-modules.mjs';
import { builtinsThroughRequirePlugin } from './builtins-through-require.mjs';
import { externalsThroughRequirePlugin } from './externals-through-require.mjs';
import { fastifyLazyBuiltinsPlugin } from './fastify-lazy-builtins.mjs';
import { fastifyLazySemverPlugin } from './fastify-lazy-semver.mjs';
import { ON_DEMAND_ENTRY, fastifyOnDemandPlugin, onDemandEntryPoint } from './fastify-on-demand.mjs';
import { lazyAssertPlugin } from './lazy-assert.mjs';
import { pinoCallSitesPlugin } from './pino-call-sites.mjs';
import { pinoTransportOnDemandPlugin } from './pino-transport-on-demand.mjs';
import { sideEffectFreeContractsPlugin } from './side-effect-free-contracts.mjs';
import { lockfileSubset } from './lockfile-subset.mjs';
import { pinnedNodeVersion } from '../node/pinned-version.mjs';

const workspaceRoot = resolve(import.meta.dirname, '../..');

export function bundleExternals(metafile) {
  const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
  const externals = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) {
      // A relative external is a file of the bundle itself (fastify-on-demand.js), not a package.
      if (imported.external && !builtins.has(imported.path) && !imported.path.startsWith('.'))
        externals.add(packageNameOf(imported.path));
    }
  }
  return [...externals].sort();
}

export function packageNameOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function gitCommit(root) {
  if (process.env.BUILD_COMMIT) return process.env.BUILD_COMMIT;
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return dirty ? `${commit}-dirty` : commit;
  } catch {
    return 'uncommitted';
  }
}

/**
 * Defines `require`, `__filename` and `__dirname` in every output file: bundled CommonJS packages
 * use them, and an ES module has none of them
 * (https://nodejs.org/docs/latest-v24.x/api/esm.html#no-require-exports-or-moduleexports).
 */
const COMMONJS_GLOBALS_BANNER = [
  "import { createRequire as __bundleCreateRequire } from 'node:module';",
  "import { fileURLToPath as __bundleFileURLToPath } from 'node:url';",
  "import { dirname as __bundleDirname } from 'node:path';",
  'const require = __bundleCreateRequire(import.meta.url);',
  'const __filename = __bundleFileURLToPath(import.meta.url);',
  'const __dirname = __bundleDirname(__filename);',
].join('\n');

/**
 * How every app is bundled (the source-positions test bundles its probe with the same options).
 * ES modules with code splitting: what the app loads with `import()` (the Google client stack,
 * about 6 of the worker's 10 MB) is a chunk of its own that a local start neither reads, compiles
 * nor scans for source maps (https://esbuild.github.io/api/#splitting).
 * @param {{ root: string, entry: string, outdir: string, tsconfig: string, external?: string[] }} options
 * @returns {import('esbuild').BuildOptions & { metafile: true }}
 */
export function bundleOptions({ root, entry, outdir, tsconfig, external = [] }) {
  return {
    absWorkingDir: root,
    entryPoints: { main: entry, [ON_DEMAND_ENTRY]: onDemandEntryPoint() },
    outdir,
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    target: `node${pinnedNodeVersion(root).split('.')[0]}`,
    format: 'esm',
    banner: { js: COMMONJS_GLOBALS_BANNER },
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
    tsconfig,
    external,
    plugins: [
      absentOptionalModulesPlugin(),
      pinoCallSitesPlugin(),
      pinoTransportOnDemandPlugin(),
      lazyAssertPlugin(),
      builtinsThroughRequirePlugin(),
      externalsThroughRequirePlugin(external),
      fastifyLazySemverPlugin(),
      fastifyLazyBuiltinsPlugin(),
      fastifyOnDemandPlugin(root),
      sideEffectFreeContractsPlugin(root),
    ],
  };
}

export async function buildApp(app, { root = workspaceRoot, log = console.log } = {}) {
  const entry = join(root, 'apps', app, 'src', 'main.ts');
  if (!existsSync(entry)) throw new Error(`build: no app "${app}" (expected ${entry})`);
  const project = JSON.parse(readFileSync(join(root, 'apps', app, 'project.json'), 'utf8'));
  const external = project.bundle?.external ?? [];
  const outdir = join(root, 'dist', 'apps', app);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const started = Date.now();
  const result = await esbuild.build({
    ...bundleOptions({ root, entry, outdir, tsconfig: join(root, 'apps', app, 'tsconfig.json'), external }),
    define: {
      'process.env.PROPS_BUILD_COMMIT': JSON.stringify(gitCommit(root)),
      'process.env.PROPS_BUILD_TIME': JSON.stringify(new Date().toISOString()),
      'process.env.PROPS_BUILD_VERSION': JSON.stringify(
        JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version,
      ),
    },
  });
  writeFileSync(join(outdir, 'meta.json'), JSON.stringify(result.metafile));
  // Declared artifacts (model files) travel in the bundle folder; readiness verifies them by sha256.
  for (const artifact of project.bundle?.artifacts ?? []) {
    cpSync(join(root, artifact), join(outdir, artifact), { recursive: true });
  }

  const workspaceManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const dependencies = {};
  // Only declared externals go into the manifest; anything else the bundle still requires
  // (an unresolvable require esbuild left in place) is for the gate to report, not to paper over.
  for (const name of bundleExternals(result.metafile).filter((used) => external.includes(used))) {
    const installed = join(root, 'node_modules', name, 'package.json');
    if (!existsSync(installed)) throw new Error(`build ${app}: external ${name} is not installed; run npm ci`);
    dependencies[name] = JSON.parse(readFileSync(installed, 'utf8')).version;
  }
  const manifest = {
    name: `${app}-bundle`,
    version: workspaceManifest.version,
    private: true,
    type: 'module',
    description: `Generated by tools/build/build-app.mjs: the ${app} bundle and exactly its external packages.`,
    main: 'main.js',
    engines: workspaceManifest.engines,
    dependencies,
  };
  writeFileSync(join(outdir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const workspaceLock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  writeFileSync(
    join(outdir, 'package-lock.json'),
    `${JSON.stringify(lockfileSubset(workspaceLock, manifest), null, 2)}\n`,
  );
  const outputs = Object.entries(result.metafile.outputs);
  const megabytes = (files) => (files.reduce((sum, [, output]) => sum + output.bytes, 0) / 1024 / 1024).toFixed(1);
  const code = outputs.filter(([file]) => file.endsWith('.js'));
  log(
    `built ${app}: dist/apps/${app}/main.js and ${code.length - 1} chunks (${megabytes(code)} MB, ${megabytes(outputs)} MB with maps) in ${Date.now() - started} ms; externals: ${Object.keys(dependencies).join(', ') || 'none'}`,
  );
  return { outdir, metafile: result.metafile, manifest };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const apps = process.argv.slice(2);
  if (apps.length === 0) {
    console.error('usage: node tools/build/build-app.mjs <app> [<app> ...]');
    process.exit(2);
  }
  try {
    for (const app of apps) await buildApp(app);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
