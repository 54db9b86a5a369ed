import { describe, expect, it } from 'vitest';
import { assembleCoordinator } from './assemble-coordinator';

const KEY = 'test-key-0123456789';

describe('coordinator POST /start', () => {
  it.each([
    [{}, 'game_date'],
    [{ game_date: '2025-02-30' }, 'game_date'],
    [{ game_date: 'yesterday' }, 'game_date'],
    [{ game_date: '2025-01-15', force: 'yes' }, 'force'],
    [{ game_date: '2025-01-15', dataset_prefix: 'drop table;' }, 'dataset_prefix'],
    [{ game_date: '2025-01-15', unexpected: 1 }, '(root)'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const coordinator = await assembleCoordinator({ LOG_LEVEL: 'fatal', PROPS_API_KEY: KEY });
    const response = await coordinator.app.inject({ method: 'POST', url: '/start', payload: body, headers: { 'x-api-key': KEY } });
    await coordinator.app.close();
    expect(response.statusCode).toBe(400);
    expect(response.json().field).toBe(field);
  });

  it.each([
    [undefined, 'no key'],
    ['wrong-key-0123456789', 'a wrong key'],
  ])('refuses a mutating request with %s (401), a bearer token alone counts for nothing', async (key, _label) => {
    const coordinator = await assembleCoordinator({ LOG_LEVEL: 'fatal', PROPS_API_KEY: KEY });
    for (const url of ['/start', '/complete', '/check-stalled']) {
      const headers: Record<string, string> = { authorization: 'Bearer anything' };
      if (key) headers['x-api-key'] = key;
      const response = await coordinator.app.inject({ method: 'POST', url, payload: { game_date: '2025-01-15' }, headers });
      expect(response.statusCode, url).toBe(401);
      expect(response.json().error).toBe('missing or wrong x-api-key header');
    }
    await coordinator.app.close();
  });

  it('stops at startup when PROPS_API_KEY is missing or short, naming the variable', async () => {
    await expect(assembleCoordinator({ LOG_LEVEL: 'fatal' })).rejects.toThrow(/PROPS_API_KEY/);
    await expect(assembleCoordinator({ LOG_LEVEL: 'fatal', PROPS_API_KEY: 'short' })).rejects.toThrow(/PROPS_API_KEY.*at least 16/);
  });
});
