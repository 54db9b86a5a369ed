import type { BigQuery } from '@google-cloud/bigquery';
import {
  PLAYER_POINTS_PROPS,
  UPCOMING_PLAYER_GAME_CONTEXT,
  datasetName,
  validateDatasetPrefix,
  type TableDefinition,
} from '@props/warehouse';
import { playerCandidatesSql, toPlayerCandidate, type PlayerCandidate } from '../player-candidates';

/** The date's game context joined with the best line per player, as one BigQuery query job. */
export async function queryPlayerCandidatesOnBigQuery(
  client: BigQuery,
  options: { projectId: string; location: string; datasetPrefix?: string },
  gameDate: string,
): Promise<PlayerCandidate[]> {
  const prefix = validateDatasetPrefix(options.datasetPrefix ?? '');
  const table = (definition: TableDefinition) =>
    `\`${options.projectId}.${datasetName(definition, prefix)}.${definition.name}\``;
  const [job] = await client.createQueryJob({
    query: playerCandidatesSql(table(UPCOMING_PLAYER_GAME_CONTEXT), table(PLAYER_POINTS_PROPS), '@game_date'),
    params: { game_date: client.date(gameDate) },
    location: options.location,
  });
  const [rows] = await job.getQueryResults();
  return (rows as Record<string, unknown>[]).map(toPlayerCandidate);
}
