import { INVALID_FEATURES, errorMessage, type PredictionRow } from '@props/contracts';
import { LockTimeoutError } from '@props/distributed-lock';
import { NoGamesOnDateError, UnknownGameDateError } from '@props/feature-loader';
import type { SystemSummary } from '@props/grading';
import { predictPlayers, type PredictionSystems } from '@props/models';
import { newBatchId, predictionRequests, selectPlayers } from '@props/prediction-batch';
import type { BackfillPorts } from './backfill-ports';
import type { ChunkInputs, PredictedDate } from './chunk-ports';

/**
 * done: predicted, consolidated (and graded when the box scores exist); no_games: nothing
 * scheduled; no_players: games, but no player the selection takes (before the season's first
 * lines and box scores, say); skipped and failed did not finish.
 */
export type DateStatus = 'done' | 'no_games' | 'no_players' | 'skipped' | 'failed';

export interface DateOutcome {
  game_date: string;
  status: DateStatus;
  /** Why the date is not done (or, when done, why it is not graded); null otherwise. */
  reason: string | null;
  batch_id: string | null;
  players: number;
  /** Rows the date's batch holds in the predictions table after the merge. */
  rows: number;
  rows_per_system: Record<string, number>;
  /** Players given no row, by reason (invalid_features: the original's feature gate refused them). */
  players_skipped: Record<string, number>;
  rows_replaced: number;
  graded: number;
  systems: SystemSummary[];
  /** The date's prediction, and its share of its chunk's merge and grading. */
  seconds: number;
}

export interface BackfillContext {
  ports: BackfillPorts;
  systems: PredictionSystems;
  /** Only these systems' rows are written (all seven still run: the ensembles need the others); null: all. */
  keepSystems: ReadonlySet<string> | null;
  datasetPrefix: string;
  /** Grade the dates (the grading lock and store of `props grade`). */
  grade: boolean;
}

export class DateSkipped extends Error {}
class NoEligiblePlayers extends Error {}

export function newOutcome(gameDate: string): DateOutcome {
  return {
    game_date: gameDate,
    status: 'failed',
    reason: null,
    batch_id: null,
    players: 0,
    rows: 0,
    rows_per_system: {},
    players_skipped: {},
    rows_replaced: 0,
    graded: 0,
    systems: [],
    seconds: 0,
  };
}

/** The date's selection, slate and the seven systems' rows, as a daily batch forms them. */
export async function predictDate(
  context: BackfillContext,
  inputs: ChunkInputs,
  outcome: DateOutcome,
): Promise<PredictedDate> {
  const gameDate = outcome.game_date;
  const candidates = await inputs.candidates(gameDate);
  // No candidates: the slate query tells a date without games from one outside the schedule.
  if (candidates.length === 0) {
    await inputs.loadSlate(gameDate, [], {});
    throw new Error('games are scheduled but the game context has no players for the date');
  }
  const selection = selectPlayers(candidates);
  if (selection.selected.length === 0)
    throw new NoEligiblePlayers(`no eligible players (dropped: ${JSON.stringify(selection.dropped)})`);
  const load = await inputs.loadSlate(
    gameDate,
    selection.selected.map((player) => player.candidate.playerLookup),
    { timeoutMs: 120_000 },
  );
  const batchId = newBatchId(gameDate);
  outcome.batch_id = batchId;
  const createdAt = new Date().toISOString();
  const { players, messages, messageIds } = predictionRequests({
    batchId,
    gameDate,
    datasetPrefix: context.datasetPrefix,
    selected: selection.selected,
    load,
    checkedAt: createdAt,
  });
  const predictions = await predictPlayers(
    context.systems,
    players.map((player) => ({ messageId: messageIds[player]!, request: messages[player]! })),
    createdAt,
  );
  const rows = predictions
    .flatMap((prediction) => prediction.rows)
    .filter((row) => context.keepSystems === null || context.keepSystems.has(row.system_id));
  outcome.players = predictions.filter((prediction) => prediction.rows.length > 0).length;
  outcome.rows_per_system = countBySystem(rows);
  for (const { skipReason } of predictions)
    if (skipReason !== null) outcome.players_skipped[skipReason] = (outcome.players_skipped[skipReason] ?? 0) + 1;
  return {
    gameDate,
    batchId,
    rows,
    bookkeeping: {
      // Players the feature gate refused get no row by design: the batch does not expect them.
      players_expected: players.length - (outcome.players_skipped[INVALID_FEATURES] ?? 0),
      players_completed: players.length,
      load_path: load.path,
    },
  };
}

/** What a date that did not finish reports: no games and no players are outcomes, the rest say why. */
export function notDone(error: unknown): Pick<DateOutcome, 'status' | 'reason'> {
  if (error instanceof NoGamesOnDateError) return { status: 'no_games', reason: errorMessage(error) };
  if (error instanceof NoEligiblePlayers) return { status: 'no_players', reason: errorMessage(error) };
  if (error instanceof DateSkipped) return { status: 'skipped', reason: errorMessage(error) };
  if (error instanceof LockTimeoutError)
    return { status: 'skipped', reason: `a batch of the date is being started or consolidated (${error.message})` };
  if (error instanceof UnknownGameDateError)
    return { status: 'failed', reason: `outside the warehouse's schedule: ${error.message}` };
  return { status: 'failed', reason: errorMessage(error) };
}

function countBySystem(rows: readonly PredictionRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.system_id] = (counts[row.system_id] ?? 0) + 1;
  return counts;
}
