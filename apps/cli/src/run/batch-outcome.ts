import { PRIMARY_SYSTEM, type BatchStatusBody } from '@props/contracts';
import { withWarehouse } from '@props/warehouse';

export interface BatchOutcome {
  rowsPerSystem: [string, number][];
  rowsWithoutModelVersion: number;
  fallbackRows: number;
  duplicateKeys: number;
  biggestEdges: { player: string; predicted: number; line: number; recommendation: string }[];
}

/** What the batch left in the predictions table, read back from the warehouse. */
export async function readBatchOutcome(warehousePath: string, status: BatchStatusBody): Promise<BatchOutcome> {
  return withWarehouse(warehousePath, async (connection) => {
    const read = async (sql: string) => (await connection.runAndReadAll(sql, [status.batch_id])).getRowObjectsJS();
    const perSystem = await read(
      'SELECT system_id, count(*) AS rows FROM nba_predictions.player_prop_predictions WHERE batch_id = $1 GROUP BY ALL ORDER BY 1',
    );
    const quality = (
      await read(
        "SELECT count(*) FILTER (WHERE model_version IS NULL OR model_version = '') AS empty, count(*) FILTER (WHERE is_fallback) AS fallback FROM nba_predictions.player_prop_predictions WHERE batch_id = $1",
      )
    )[0]!;
    const duplicates = (
      await connection.runAndReadAll(
        'SELECT count(*) FROM (SELECT game_id, player_lookup, system_id, current_points_line FROM nba_predictions.player_prop_predictions WHERE game_date = CAST($1 AS DATE) GROUP BY ALL HAVING count(*) > 1)',
        [status.game_date],
      )
    ).getRows()[0]![0];
    const edges = (
      await connection.runAndReadAll(
        'SELECT player_lookup, CAST(predicted_points AS DOUBLE) AS predicted, CAST(current_points_line AS DOUBLE) AS line, recommendation FROM nba_predictions.player_prop_predictions WHERE batch_id = $1 AND system_id = $2 AND current_points_line IS NOT NULL ORDER BY abs(predicted_points - current_points_line) DESC, player_lookup LIMIT 5',
        [status.batch_id, PRIMARY_SYSTEM],
      )
    ).getRowObjectsJS();
    return {
      rowsPerSystem: perSystem.map((row) => [String(row.system_id), Number(row.rows)]),
      rowsWithoutModelVersion: Number(quality.empty),
      fallbackRows: Number(quality.fallback),
      duplicateKeys: Number(duplicates),
      biggestEdges: edges.map((row) => ({
        player: String(row.player_lookup),
        predicted: Number(row.predicted),
        line: Number(row.line),
        recommendation: String(row.recommendation),
      })),
    };
  });
}
