import fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { MalformedMessageError, ServiceError } from '@props/contracts';
import { registerErrorReplies } from './error-replies';

describe('error replies', () => {
  it('answers an unexpected failure with a code and a public message, never the internal text', async () => {
    const app = fastify({ logger: false });
    registerErrorReplies(app);
    app.get('/boom', async () => {
      throw new Error('connect ECONNREFUSED 10.1.2.3:5432 (password=hunter2)');
    });
    app.get('/odd', async () => {
      throw Object.assign(new Error('down /srv/x'), { statusCode: 503, code: 'ECONNRESET /srv/x' });
    });
    app.post('/echo', async (request) => request.body);
    const failed = await app.inject({ method: 'GET', url: '/boom' });
    expect(failed.statusCode).toBe(500);
    expect(failed.json()).toEqual({
      error: 'the request failed; the service log has the details',
      code: 'internal_error',
    });
    expect(failed.body).not.toContain('hunter2');
    // A 5xx that is not a ServiceError keeps neither its status nor its code: it is internal.
    const odd = await app.inject({ method: 'GET', url: '/odd' });
    expect([odd.statusCode, odd.json().code]).toEqual([500, 'internal_error']);
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

  it('answers each kind of ServiceError with its status, its code and its public message', async () => {
    class Hidden extends ServiceError {
      override get publicMessage() {
        return 'the warehouse is down';
      }
    }
    const thrown: Record<string, Error> = {
      invalid: new MalformedMessageError('game_date', 'expected YYYY-MM-DD'),
      refused: new ServiceError('already_running', 'batch b1 for 2025-03-15 is still running'),
      unprocessable: new ServiceError('no_players', 'no players on 2025-02-14'),
      unavailable: new Hidden('warehouse_unavailable', 'warehouse /srv/secret.duckdb cannot be opened'),
      transient: new ServiceError('lock_busy', 'lock "x": still held'),
    };
    const app = fastify({ logger: false });
    registerErrorReplies(app);
    app.get('/:kind', async (request) => {
      throw thrown[(request.params as { kind: string }).kind];
    });
    const answers = [];
    for (const kind of Object.keys(thrown)) {
      const answer = await app.inject({ method: 'GET', url: `/${kind}` });
      answers.push([answer.statusCode, answer.json()]);
    }
    expect(answers).toEqual([
      [400, { error: 'invalid request', code: 'invalid_request', field: 'game_date', problem: 'expected YYYY-MM-DD' }],
      [409, { error: 'batch b1 for 2025-03-15 is still running', code: 'already_running' }],
      [422, { error: 'no players on 2025-02-14', code: 'no_players' }],
      [503, { error: 'the warehouse is down', code: 'warehouse_unavailable' }],
      [503, { error: 'lock "x": still held', code: 'lock_busy' }],
    ]);
    await app.close();
  });
});
