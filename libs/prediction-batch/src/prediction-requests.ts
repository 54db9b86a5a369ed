import { randomBytes } from 'node:crypto';
import { historyOrderProblem, requestMessageId, type PredictionRequest } from '@props/contracts';
import type { SlateLoad } from '@props/feature-loader';
import type { SelectedPlayer } from './select-players';

/** A new batch's id: the date, the second it started and a random tail (two starts in one second differ). */
export function newBatchId(gameDate: string): string {
  return `batch_${gameDate}_${Math.floor(Date.now() / 1000)}_${randomBytes(3).toString('hex')}`;
}

/** The requests of one batch, one per loaded player, keyed by player; a re-publish reuses the message id. */
export interface BatchRequests {
  /** Sorted. */
  players: string[];
  messages: Record<string, PredictionRequest>;
  messageIds: Record<string, string>;
}

/** A slate whose history is not in the request's order: a fault of the warehouse adapter, never sent on. */
export class HistoryOrderError extends Error {
  override readonly name = 'HistoryOrderError';
}

/**
 * One prediction request per selected player the slate loaded (a player it could not load is in
 * `load.missing`), as the coordinator publishes them and the backfill predicts them. Throws
 * HistoryOrderError when a player's history is not oldest first (the adapter is wrong).
 */
export function predictionRequests(batch: {
  batchId: string;
  gameDate: string;
  datasetPrefix: string;
  selected: readonly SelectedPlayer[];
  load: SlateLoad;
  checkedAt: string;
}): BatchRequests {
  const messages: Record<string, PredictionRequest> = {};
  const messageIds: Record<string, string> = {};
  for (const player of batch.selected) {
    const lookup = player.candidate.playerLookup;
    const loaded = batch.load.players.get(lookup);
    if (!loaded) continue;
    const problem = historyOrderProblem(loaded.history, batch.gameDate);
    if (problem)
      throw new HistoryOrderError(
        `request for ${lookup} on ${batch.gameDate}: history[${problem.index}].game_date: ${problem.message}`,
      );
    messageIds[lookup] = requestMessageId({ batch_id: batch.batchId, player_lookup: lookup });
    messages[lookup] = {
      batch_id: batch.batchId,
      player_lookup: lookup,
      universal_player_id: player.candidate.universalPlayerId,
      game_id: loaded.gameId,
      game_date: batch.gameDate,
      team_abbr: player.candidate.teamAbbr,
      opponent_team_abbr: player.candidate.opponentTeamAbbr,
      is_home: player.candidate.isHome,
      line_values: [player.line],
      line_source: player.lineSource,
      sportsbook: player.sportsbook,
      dataset_prefix: batch.datasetPrefix,
      features: {
        feature_version: loaded.features.featureVersion,
        values: loaded.storedValues,
        quality_score: loaded.features.qualityScore,
      },
      history: loaded.history,
      injury:
        player.candidate.playerStatus === null
          ? null
          : { status: player.candidate.playerStatus, reason: null, checked_at: batch.checkedAt },
    };
  }
  return { players: Object.keys(messages).sort(), messages, messageIds };
}
