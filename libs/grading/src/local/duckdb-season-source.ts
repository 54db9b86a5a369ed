import type { DuckDBConnection } from '@duckdb/node-api';
import { PREDICTION_ACCURACY, qualifiedTableName } from '@props/warehouse';
import {
  calibrationSql,
  seasonDaysSql,
  toCalibrationBucket,
  toSeasonDay,
  type SeasonSource,
  type SeasonView,
} from '../season-view';

/** The season view on the local DuckDB warehouse (a dataset prefix reads that prefix's grading). */
export class DuckdbSeasonSource implements SeasonSource {
  constructor(
    private readonly connection: DuckDBConnection,
    private readonly datasetPrefix = '',
  ) {}

  async seasonView(from: string, to: string): Promise<SeasonView> {
    const table = qualifiedTableName(PREDICTION_ACCURACY, this.datasetPrefix);
    const range = 'game_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)';
    const read = async (sql: string) =>
      (await this.connection.runAndReadAll(sql.replaceAll('FLOAT64', 'DOUBLE'), [from, to])).getRowObjectsJS();
    return {
      from,
      to,
      days: (await read(seasonDaysSql(table, range))).map(toSeasonDay),
      calibration: (await read(calibrationSql(table, range))).map(toCalibrationBucket),
    };
  }
}
