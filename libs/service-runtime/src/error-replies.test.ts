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
    expect(failed.json()).toEqual({ error: 'the request failed; the service log has the details', code: 'internal_error' });
    expect(failed.body).not.toContain('hunter2');
    const malformed = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{oops' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
    await app.close();
  });
});
