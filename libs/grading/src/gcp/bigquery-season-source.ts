import type { BigQuery } from '@google-cloud/bigquery';
import { PREDICTION_ACCURACY, datasetName, validateDatasetPrefix } from '@props/warehouse';
import {
  calibrationSql,
  seasonDaysSql,
  toCalibrationBucket,
  toSeasonDay,
  type SeasonSource,
  type SeasonView,
} from '../season-view';

/** The season view on BigQuery: two parameterized query jobs over prediction_accuracy. */
export class BigQuerySeasonSource implements SeasonSource {
  constructor(
    private readonly client: BigQuery,
    private readonly options: { projectId: string; location: string; datasetPrefix?: string },
  ) {}

  async seasonView(from: string, to: string): Promise<SeasonView> {
    const table = `\`${this.options.projectId}.${datasetName(PREDICTION_ACCURACY, validateDatasetPrefix(this.options.datasetPrefix ?? ''))}.${PREDICTION_ACCURACY.name}\``;
    const range = 'game_date BETWEEN @from AND @to';
    const read = async (query: string) => {
      const [job] = await this.client.createQueryJob({
        query,
        params: { from: this.client.date(from), to: this.client.date(to) },
        types: { from: 'DATE', to: 'DATE' },
        location: this.options.location,
      });
      return (await job.getQueryResults())[0] as Record<string, unknown>[];
    };
    return {
      from,
      to,
      days: (await read(seasonDaysSql(table, range))).map(toSeasonDay),
      calibration: (await read(calibrationSql(table, range))).map(toCalibrationBucket),
    };
  }
}
