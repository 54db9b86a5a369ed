import { describe, expect, it } from 'vitest';
import { loadCoordinatorConfig } from './coordinator-config';

const KEY = 'test-key-0123456789';
const gcp = { PROPS_API_KEY: KEY, PROPS_BACKEND: 'gcp', GCP_PROJECT_ID: 'props-test' };

describe('PROPS_PLAYERS_PER_MESSAGE', () => {
  it("defaults to 16 players per message locally and to the original's one on gcp", () => {
    expect(loadCoordinatorConfig({ PROPS_API_KEY: KEY }).playersPerMessage).toBe(16);
    expect(loadCoordinatorConfig(gcp).playersPerMessage).toBe(1);
  });

  it('takes what it is told on either backend', () => {
    expect(loadCoordinatorConfig({ PROPS_API_KEY: KEY, PROPS_PLAYERS_PER_MESSAGE: '1' }).playersPerMessage).toBe(1);
    expect(loadCoordinatorConfig({ ...gcp, PROPS_PLAYERS_PER_MESSAGE: '8' }).playersPerMessage).toBe(8);
  });

  it.each(['0', '65', '2.5', 'many'])('refuses %s, naming the variable', (value) => {
    expect(() => loadCoordinatorConfig({ PROPS_API_KEY: KEY, PROPS_PLAYERS_PER_MESSAGE: value })).toThrow(
      /PROPS_PLAYERS_PER_MESSAGE/,
    );
  });
});
