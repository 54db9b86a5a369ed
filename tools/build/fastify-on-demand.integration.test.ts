// A probe bundled with the build's own options: what fastify and its router require on demand
// (the JSON-schema compilers, light-my-request, safe-regex2) lives in fastify-on-demand.js, outside
// the chunks a start loads. A server that names its own schema compilers, as the services do,
// starts and answers with that file deleted; the features that need it still work when it is there.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleProbe } from './bundle-probe';

const folder = mkdtempSync(join(tmpdir(), 'props-fastify-on-demand-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const PROBE = `import fastify from 'fastify';
const mode = process.argv[2];
// As zodOnlySchemaController() (@props/service-runtime): compilers of its own, no JSON schema.
const own = { compilersFactory: { buildValidator: () => () => () => true, buildSerializer: () => () => JSON.stringify } };
const app = fastify(mode === 'own-compilers' ? { schemaController: own } : {});
app.get('/plain/:id', async (request) => ({ id: (request.params as { id: string }).id }));
const body = { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } };
const reply = { 200: { type: 'object', properties: { n: { type: 'integer' } } } };
if (mode === 'json-schema') app.post('/echo', { schema: { body, response: reply } }, async (request) => request.body);
if (mode === 'regex') {
  app.get('/digits/:id(^\\\\d+$)', async () => ({ route: 'digits' }));
  try {
    app.get('/unsafe/:id(^(a+)+$)', async () => ({ route: 'unsafe' }));
  } catch (error) {
    console.log(JSON.stringify({ unsafe: (error as Error).message }));
  }
}
if (mode === 'inject') {
  console.log(JSON.stringify({ inject: (await app.inject({ url: '/plain/7' })).json() }));
} else {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const answer = async (path: string, init?: RequestInit) => {
    const response = await fetch(address + path, init);
    return { status: response.status, body: await response.json() };
  };
  const post = (value: unknown) =>
    answer('/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
  const results: Record<string, unknown> = { plain: await answer('/plain/7') };
  if (mode === 'json-schema') Object.assign(results, { valid: await post({ n: 1, extra: 2 }), invalid: await post({ n: 'x' }) });
  if (mode === 'regex') Object.assign(results, { digits: await answer('/digits/12'), letters: (await fetch(address + '/digits/ab')).status });
  console.log(JSON.stringify(results));
  await app.close();
}
`;

describe("fastify's on-demand packages in a bundle", () => {
  let outdir: string;
  let withoutFile: string;
  const run = (cwd: string, mode: string) => spawnSync(process.execPath, ['main.js', mode], { cwd, encoding: 'utf8' });
  const outcome = (cwd: string, mode: string) => {
    const result = run(cwd, mode);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    return result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
  };

  beforeAll(async () => {
    outdir = await bundleProbe(folder, { 'probe.ts': PROBE });
    withoutFile = join(folder, 'without-on-demand');
    cpSync(outdir, withoutFile, { recursive: true });
    rmSync(join(withoutFile, 'fastify-on-demand.js'));
  }, 120_000);

  it('are not needed by a server with its own schema compilers', () => {
    expect(outcome(withoutFile, 'own-compilers')).toEqual([{ plain: { status: 200, body: { id: '7' } } }]);
  });

  it('are loaded from fastify-on-demand.js for JSON-schema validation and serialization', () => {
    expect(outcome(outdir, 'json-schema')).toEqual([
      {
        plain: { status: 200, body: { id: '7' } },
        valid: { status: 200, body: { n: 1 } },
        invalid: {
          status: 400,
          body: {
            statusCode: 400,
            code: 'FST_ERR_VALIDATION',
            error: 'Bad Request',
            message: 'body/n must be integer',
          },
        },
      },
    ]);
    expect(run(withoutFile, 'json-schema').stderr).toContain('fastify-on-demand.js');
  });

  it('still serve app.inject', () => {
    expect(outcome(outdir, 'inject')).toEqual([{ inject: { id: '7' } }]);
    expect(run(withoutFile, 'inject').stderr).toContain('fastify-on-demand.js');
  });

  it('still refuse an unsafe route regex and route a safe one', () => {
    const [refused, routed] = outcome(outdir, 'regex');
    expect(refused).toEqual({ unsafe: "The regex '(^(a+)+$)' is not safe!" });
    expect(routed).toMatchObject({ digits: { status: 200, body: { route: 'digits' } }, letters: 404 });
  });
});
