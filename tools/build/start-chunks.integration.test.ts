// What a service's or the CLI's start loads: main.js and the chunks it imports statically. The
// Google client stack (loaded with import() on gcp only) and DuckDB (loaded where a DuckDB file is
// opened) must not be among them, or every start pays for reading, compiling and initialising them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import type { BuildModule } from './bundle-probe';

const root = resolve(import.meta.dirname, '../..');
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const folder = mkdtempSync(join(tmpdir(), 'props-start-chunks-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The outputs a start loads, with the source files and external packages they import statically. */
async function startPath(app: string, external: string[]) {
  const { bundleOptions } = (await import(join(import.meta.dirname, 'build-app.mjs'))) as BuildModule;
  const outdir = join(folder, app);
  const { metafile } = await esbuild.build({
    ...bundleOptions({
      root,
      entry: join(root, 'apps', app, 'src/main.ts'),
      outdir,
      tsconfig: join(root, 'apps', app, 'tsconfig.json'),
      external,
    }),
    write: false,
  });
  const outputs = metafile!.outputs;
  const main = Object.keys(outputs).find((output) => output.endsWith('/main.js'))!;
  const loaded = new Set<string>();
  const pending = [main];
  while (pending.length > 0) {
    const output = pending.pop()!;
    if (loaded.has(output)) continue;
    loaded.add(output);
    for (const imported of outputs[output]!.imports)
      if (!imported.external && imported.kind === 'import-statement') pending.push(imported.path);
  }
  const chunks = [...loaded].map((output) => outputs[output]!);
  return {
    inputs: chunks.flatMap((chunk) => Object.keys(chunk.inputs)),
    // External packages are taken with require (tools/build/externals-through-require.mjs); an
    // import() of one (DuckDB) is a dynamic-import, not on the start path.
    externals: chunks.flatMap((chunk) =>
      chunk.imports
        .filter(
          (imported) =>
            imported.external &&
            ['import-statement', 'require-call'].includes(imported.kind) &&
            !BUILTINS.has(imported.path),
        )
        .map((i) => i.path),
    ),
    importedExternals: chunks.flatMap((chunk) =>
      chunk.imports
        .filter((i) => i.external && i.kind === 'import-statement' && !BUILTINS.has(i.path))
        .map((i) => i.path),
    ),
  };
}

const GOOGLE_STACK = /node_modules\/(@google-cloud|google-gax|@grpc|google-auth-library)\//;
/** @props/contracts modules only the coordinator and the CLI use: their zod schemas are built when the module loads. */
const COORDINATOR_CONTRACTS =
  /libs\/contracts\/src\/(batch-status|start-batch-request|check-stalled-request|error-body)\.ts$/;
/** zod's translations of its messages; a start initialises every one it carries, and the services use English only. */
const ZOD_OTHER_LOCALES = /node_modules\/zod\/v4\/locales\/(?!en\.js$)/;
/** What fastify and its router require only on demand (tools/build/fastify-on-demand.mjs). */
const FASTIFY_ON_DEMAND =
  /node_modules\/(ajv|@fastify\/ajv-compiler|@fastify\/fast-json-stringify-compiler|fastify\/node_modules\/light-my-request|safe-regex2|ret|semver)\/|node_modules\/fast-json-stringify\/index\.js$/;

describe('what a start loads', () => {
  it('the worker: onnxruntime-node, no Google client', async () => {
    const start = await startPath('worker', ['onnxruntime-node']);
    expect(start.externals).toContain('onnxruntime-node');
    // With require, not import: Node's ES loader would scan onnxruntime-node's files for their exports.
    expect(start.importedExternals).toEqual([]);
    expect(start.inputs.filter((input) => GOOGLE_STACK.test(input))).toEqual([]);
  }, 120_000);

  it("the worker: neither the coordinator's schemas nor zod's other locales", async () => {
    const start = await startPath('worker', ['onnxruntime-node']);
    expect(start.inputs).toContain('libs/contracts/src/prediction-request.ts');
    expect(start.inputs.filter((input) => COORDINATOR_CONTRACTS.test(input))).toEqual([]);
    expect(start.inputs.filter((input) => ZOD_OTHER_LOCALES.test(input))).toEqual([]);
  }, 120_000);

  it.each([
    ['worker', ['onnxruntime-node']],
    ['coordinator', ['@duckdb/node-api']],
  ])(
    'the %s: fastify without its JSON-schema compilers, light-my-request, safe-regex2 or semver',
    async (app, external) => {
      const start = await startPath(app, external);
      expect(start.inputs).toContain('node_modules/fastify/lib/schema-controller.js');
      expect(start.inputs.filter((input) => FASTIFY_ON_DEMAND.test(input))).toEqual([]);
    },
    120_000,
  );

  it('the CLI: no Google client (a command on gcp imports it)', async () => {
    const start = await startPath('cli', ['onnxruntime-node', '@duckdb/node-api']);
    expect(start.inputs).toContain('apps/cli/src/backfill/backfill-command.ts');
    expect(start.inputs.filter((input) => GOOGLE_STACK.test(input))).toEqual([]);
  }, 120_000);

  it('the coordinator: neither DuckDB nor a Google client', async () => {
    const start = await startPath('coordinator', ['@duckdb/node-api']);
    expect(start.externals).not.toContain('@duckdb/node-api');
    expect(start.inputs.filter((input) => GOOGLE_STACK.test(input))).toEqual([]);
  }, 120_000);
});
