import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryRestEmulator } from './bigquery-rest-emulator';

// The endpoint as a staging identity sees BigQuery: granted only staging_nba_predictions, while
// production's dataset exists beside it. A refusal is BigQuery's 403 accessDenied
// (https://cloud.google.com/bigquery/docs/error-messages), whatever the request names the dataset in.
let connection: DuckDBConnection;
let emulator: BigQueryRestEmulator;
let base: string;

beforeAll(async () => {
  connection = await (await DuckDBInstance.create(':memory:')).connect();
  for (const dataset of ['nba_predictions', 'staging_nba_predictions'])
    await connection.run(`CREATE SCHEMA ${dataset}; CREATE TABLE ${dataset}.player_prop_predictions (game_date DATE)`);
  emulator = new BigQueryRestEmulator(connection, { grantedDatasets: ['staging_nba_predictions'] });
  base = `${await emulator.start()}/bigquery/v2/projects/props-test`;
});
afterAll(async () => {
  await emulator?.stop();
  connection?.closeSync();
});

const query = (sql: string) =>
  fetch(`${base}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ configuration: { query: { query: sql, useLegacySql: false } } }),
  });

describe('the loopback BigQuery endpoint with granted datasets', () => {
  it('answers for a granted dataset', async () => {
    const table = await fetch(`${base}/datasets/staging_nba_predictions/tables/player_prop_predictions`);
    expect(table.status).toBe(200);
    const job = await query('SELECT COUNT(*) AS n FROM `props-test.staging_nba_predictions.player_prop_predictions`');
    expect(job.status).toBe(200);
  });

  it.each([
    [
      'tables.get',
      () => fetch(`${base}/datasets/nba_predictions/tables/player_prop_predictions`),
      'bigquery.tables.get',
    ],
    ['tables.list', () => fetch(`${base}/datasets/nba_predictions/tables`), 'bigquery.tables.list'],
    [
      'tables.delete',
      () => fetch(`${base}/datasets/nba_predictions/tables/player_prop_predictions`, { method: 'DELETE' }),
      'bigquery.tables.delete',
    ],
    [
      'a query naming it',
      () =>
        query(
          'SELECT COUNT(*) FROM `props-test.staging_nba_predictions.player_prop_predictions` JOIN `props-test.nba_predictions.player_prop_predictions` USING (game_date)',
        ),
      'bigquery.tables.getData',
    ],
  ])('refuses %s of a dataset not granted with 403 accessDenied', async (_, call, permission) => {
    const answer = await call();
    expect(answer.status).toBe(403);
    const { error } = (await answer.json()) as {
      error: { code: number; status: string; message: string; errors: { reason: string; message: string }[] };
    };
    expect(error.code).toBe(403);
    expect(error.status).toBe('PERMISSION_DENIED');
    expect(error.errors.map((found) => found.reason)).toEqual(['accessDenied']);
    expect(error.message).toMatch(/^Access Denied: Table props-test:nba_predictions\./);
    expect(error.message).toContain(`Permission ${permission} denied`);
  });

  it('leaves the refused table as it was', async () => {
    const rows = await connection.runAndReadAll(
      "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'nba_predictions'",
    );
    expect(Number(rows.getRows()[0]![0])).toBe(1);
  });
});

describe('the loopback BigQuery endpoint with a clock', () => {
  it.each([Number.NaN, 1.5, -1, Number.MAX_VALUE])(
    'refuses a clock reading %s: not whole milliseconds since the epoch',
    (time) => {
      expect(() => new BigQueryRestEmulator(connection, { clock: () => time })).toThrow(
        `BigQueryRestEmulator clock: expected whole milliseconds since the epoch, got ${time}`,
      );
    },
  );
});
