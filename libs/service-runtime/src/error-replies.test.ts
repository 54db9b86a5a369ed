import fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerErrorReplies } from './error-replies';

describe('error replies', () => {
  it('answers an unexpected failure with a code and a public message, never the internal text', async () => {
    const app = fastify({ logger: false });
    registerErrorReplies(app);
    app.get('/boom', async () => {
      throw new Error('connect ECONNREFUSED 10.1.2.3:5432 (password=hunter2)');
    });
    app.post('/echo', async (request) => request.body);
    const failed = await app.inject({ method: 'GET', url: '/boom' });
    expect(failed.statusCode).toBe(500);
    expect(failed.json()).toEqual({
      error: 'the request failed; the service log has the details',
      code: 'internal_error',
    });
    expect(failed.body).not.toContain('hunter2');
    const malformed = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{oops',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
    await app.close();
  });

  it('answers an unavailable dependency with 503 and its lowercase code, never its path or reason', async () => {
    const app = fastify({ logger: false });
    registerErrorReplies(app);
    app.get('/warehouse', async () => {
      throw Object.assign(
        new Error('warehouse /srv/secret/warehouse.duckdb cannot be opened: not a valid DuckDB file'),
        { statusCode: 503, code: 'warehouse_unavailable' },
      );
    });
    app.get('/odd-code', async () => {
      throw Object.assign(new Error('down'), { statusCode: 503, code: 'ECONNRESET /srv/x' });
    });
    const unavailable = await app.inject({ method: 'GET', url: '/warehouse' });
    expect(unavailable.statusCode).toBe(503);
    expect(unavailable.json()).toEqual({
      error: 'a dependency of the service is unavailable; retry later (the service log has the details)',
      code: 'warehouse_unavailable',
    });
    expect(unavailable.body).not.toContain('/srv/secret');
    const odd = await app.inject({ method: 'GET', url: '/odd-code' });
    expect(odd.json()).toMatchObject({ code: 'unavailable' });
    await app.close();
  });
});
