import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { PLAYER_POINTS_PROPS, UPCOMING_PLAYER_GAME_CONTEXT, renderDuckdbDdl } from '@props/warehouse';
import { PrefixedTableMissingError, queryPlayerCandidates } from './duckdb-player-candidates';

async function connectionWith(statements: string[]) {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  for (const statement of statements) await connection.run(statement);
  return connection;
}

describe('queryPlayerCandidates (the catalog read only when the query fails)', () => {
  it('answers from a prefix whose tables exist, and names the missing table of one that lacks it', async () => {
    const connection = await connectionWith([
      renderDuckdbDdl(UPCOMING_PLAYER_GAME_CONTEXT, 'full'),
      renderDuckdbDdl(PLAYER_POINTS_PROPS, 'full'),
      renderDuckdbDdl(UPCOMING_PLAYER_GAME_CONTEXT, 'half'),
    ]);
    await expect(queryPlayerCandidates(connection, '2024-11-04', 'full')).resolves.toEqual([]);
    const refused = queryPlayerCandidates(connection, '2024-11-04', 'half');
    await expect(refused).rejects.toBeInstanceOf(PrefixedTableMissingError);
    await expect(refused).rejects.toThrow(
      'dataset prefix "half": the warehouse has no half_nba_raw.odds_api_player_points_props',
    );
  });

  it('leaves any other failure of the query as DuckDB gave it', async () => {
    const connection = await connectionWith([
      renderDuckdbDdl(UPCOMING_PLAYER_GAME_CONTEXT, 'odd'),
      renderDuckdbDdl(PLAYER_POINTS_PROPS, 'odd', false),
      'ALTER TABLE odd_nba_raw.odds_api_player_points_props DROP COLUMN bookmaker',
    ]);
    const failed = queryPlayerCandidates(connection, '2024-11-04', 'odd');
    await expect(failed).rejects.not.toBeInstanceOf(PrefixedTableMissingError);
    await expect(failed).rejects.toThrow(/bookmaker/);
  });
});
