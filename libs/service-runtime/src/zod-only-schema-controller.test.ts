import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import fastify from 'fastify';
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { registerErrorReplies } from './error-replies';
import { useZodSchemas, zodOnlySchemaController } from './zod-type-provider';

const require = createRequire(import.meta.url);
/** fastify's JSON-schema validator compiler, as fastify itself resolves it. */
const ajvCompiler = require.resolve('@fastify/ajv-compiler', { paths: [dirname(require.resolve('fastify'))] });
const ajvLoaded = () => ajvCompiler in require.cache;

describe('zodOnlySchemaController', () => {
  it('keeps fastify from loading ajv when an instance is created; the default loads it', async () => {
    expect(ajvLoaded(), 'loaded before the test').toBe(false);
    const zodOnly = fastify({ logger: false, schemaController: zodOnlySchemaController() });
    await zodOnly.ready();
    expect(ajvLoaded()).toBe(false);
    await zodOnly.close();
    const byDefault = fastify({ logger: false });
    expect(ajvLoaded()).toBe(true);
    await byDefault.close();
  });

  it('routes with zod schemas still validate', async () => {
    const app = fastify({ logger: false, schemaController: zodOnlySchemaController() });
    useZodSchemas(app);
    registerErrorReplies(app);
    app.post('/echo', { schema: { body: z.object({ player: z.string() }) } }, async (request) => request.body);
    const good = await app.inject({ method: 'POST', url: '/echo', payload: { player: 'lebronjames' } });
    expect(good.json()).toEqual({ player: 'lebronjames' });
    const bad = await app.inject({ method: 'POST', url: '/echo', payload: { player: 7 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('player');
    await app.close();
  });

  it('a route with a schema but no zod compiler fails when it is added', async () => {
    const app = fastify({ logger: false, schemaController: zodOnlySchemaController() });
    app.post('/echo', { schema: { body: { type: 'object' } } }, async (request) => request.body);
    await expect(app.ready()).rejects.toThrow(/useZodSchemas/);
    await app.close();
  });
});
