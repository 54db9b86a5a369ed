import { errorMessage } from '@props/contracts';
import { gradeDate, type GradingResult, type GradingStore, type NothingToGradeError } from '@props/grading';
import type { BatchWarehouse } from '@props/prediction-batch';
import type { StagingFor } from '@props/prediction-store';
import type { ChunkPorts, FencingTokens, PredictedDate, WrittenDate } from './chunk-ports';

/**
 * A chunk of dates done date by date through the services' own ports (BigQuery on gcp): one
 * slate query per date, one staging write (a load job) and one MERGE per date under its fencing
 * token, grading per date.
 */
export function perDateChunkPorts(ports: {
  warehouse: BatchWarehouse;
  staging: StagingFor;
  datasetPrefix: string;
  withGrading: <T>(work: (grading: GradingStore) => Promise<T>) => Promise<T>;
}): ChunkPorts {
  const { warehouse, datasetPrefix } = ports;
  return {
    inputs: async () => ({
      candidates: (gameDate) => warehouse.candidates(gameDate, datasetPrefix),
      loadSlate: (gameDate, players, options) => warehouse.loadSlate(gameDate, players, datasetPrefix, options),
    }),
    async write(dates, tokens) {
      const outcomes = new Map<string, WrittenDate | Error>();
      for (const date of dates)
        outcomes.set(
          date.gameDate,
          await writeDate(ports, date, tokens).catch((error: unknown) => new Error(errorMessage(error))),
        );
      return outcomes;
    },
    async grade(dates) {
      const outcomes = new Map<string, GradingResult | NothingToGradeError | Error>();
      for (const gameDate of dates)
        outcomes.set(
          gameDate,
          await ports
            .withGrading((grading) => gradeDate(grading, gameDate, { aggregate: true }))
            .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
        );
      return outcomes;
    },
    checkpoint: async () => undefined,
  };
}

/** The date's rows in one staging write, merged once under the date's token, recorded as a batch. */
async function writeDate(
  ports: Parameters<typeof perDateChunkPorts>[0],
  date: PredictedDate,
  tokens: FencingTokens,
): Promise<WrittenDate> {
  const { warehouse, datasetPrefix } = ports;
  // Each row keeps its player's message id, as a daily batch's rows do.
  const stagingId = `${date.batchId}.backfill`;
  const staging = ports.staging(datasetPrefix);
  await staging.write(date.batchId, stagingId, date.rows);
  const fencingToken = tokens.get(date.gameDate)!;
  const result = await warehouse.merger.merge(
    {
      batchId: date.batchId,
      gameDate: date.gameDate,
      datasetPrefix,
      messageIds: [stagingId],
      expected: { [stagingId]: { player: null, rows: date.rows.length } },
    },
    fencingToken,
  );
  if (result.quarantined.length > 0)
    throw new Error(`the staged rows were quarantined: ${result.quarantined[0]!.reason}`);
  await staging.remove(date.batchId, [stagingId]);
  await warehouse.recordBatch(
    {
      batch_id: date.batchId,
      game_date: date.gameDate,
      ...date.bookkeeping,
      rows_merged: result.batchRows,
      fencing_token: fencingToken,
      consolidated_at: new Date().toISOString(),
    },
    datasetPrefix,
  );
  return { batchRows: result.batchRows, rowsReplaced: result.rowsReplaced };
}
