import { describe, expect, it } from 'vitest';
import { assembleCoordinator } from './assemble-coordinator';

describe('coordinator POST /start', () => {
  it.each([
    [{}, 'game_date'],
    [{ game_date: '2025-02-30' }, 'game_date'],
    [{ game_date: 'yesterday' }, 'game_date'],
    [{ game_date: '2025-01-15', force: 'yes' }, 'force'],
    [{ game_date: '2025-01-15', dataset_prefix: 'drop table;' }, 'dataset_prefix'],
    [{ game_date: '2025-01-15', unexpected: 1 }, '(root)'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const coordinator = await assembleCoordinator({ LOG_LEVEL: 'fatal' });
    const response = await coordinator.app.inject({ method: 'POST', url: '/start', payload: body });
    await coordinator.app.close();
    expect(response.statusCode).toBe(400);
    expect(response.json().field).toBe(field);
  });
});
