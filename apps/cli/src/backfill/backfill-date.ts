import { INVALID_FEATURES, errorMessage, type PredictionRow } from '@props/contracts';
import { consolidateBatch } from '@props/consolidation';
import { CONSOLIDATION_LOCK_DEFAULTS, LockTimeoutError } from '@props/distributed-lock';
import { NoGamesOnDateError, UnknownGameDateError } from '@props/feature-loader';
import { NothingToGradeError, type GradingResult, type SystemSummary } from '@props/grading';
import { predictPlayers, type PredictionSystems } from '@props/models';
import {
  START_LOCK_OPTIONS,
  newBatchId,
  predictionRequests,
  selectPlayers,
  startLockKey,
  unfinishedBatches,
} from '@props/prediction-batch';
import type { BackfillPorts } from './backfill-ports';

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
  seconds: number;
}

export interface BackfillContext {
  ports: BackfillPorts;
  systems: PredictionSystems;
  /** Only these systems' rows are written (all seven still run: the ensembles need the others); null: all. */
  keepSystems: ReadonlySet<string> | null;
  datasetPrefix: string;
  /** Grades the date where its box scores are (the grading lock and store of `props grade`); null: not graded. */
  grade: ((gameDate: string) => Promise<GradingResult>) | null;
}

class DateSkipped extends Error {}
class NoEligiblePlayers extends Error {}

/** The date's selection, slate and the seven systems' rows, as a daily batch forms them. */
async function predictDate(context: BackfillContext, gameDate: string, outcome: DateOutcome) {
  const { ports, datasetPrefix } = context;
  const candidates = await ports.warehouse.candidates(gameDate, datasetPrefix);
  // No candidates: the slate query tells a date without games from one outside the schedule.
  if (candidates.length === 0) {
    await ports.warehouse.loadSlate(gameDate, [], datasetPrefix, {});
    throw new Error('games are scheduled but the game context has no players for the date');
  }
  const selection = selectPlayers(candidates);
  if (selection.selected.length === 0)
    throw new NoEligiblePlayers(`no eligible players (dropped: ${JSON.stringify(selection.dropped)})`);
  const load = await ports.warehouse.loadSlate(
    gameDate,
    selection.selected.map((player) => player.candidate.playerLookup),
    datasetPrefix,
    { timeoutMs: 120_000 },
  );
  const batchId = newBatchId(gameDate);
  outcome.batch_id = batchId;
  const createdAt = new Date().toISOString();
  const { players, messages, messageIds } = predictionRequests({
    batchId,
    gameDate,
    datasetPrefix,
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
  return { batchId, players, load, rows };
}

/** The date's rows in one staging write (one load job on BigQuery), merged once, recorded as a batch. */
async function stageAndMerge(
  context: BackfillContext,
  gameDate: string,
  predicted: Awaited<ReturnType<typeof predictDate>>,
  outcome: DateOutcome,
): Promise<void> {
  const { ports, datasetPrefix } = context;
  const { batchId, players, load, rows } = predicted;
  // Each row keeps its player's message id, as a daily batch's rows do.
  const stagingId = `${batchId}.backfill`;
  const staging = ports.staging(datasetPrefix);
  await staging.write(batchId, stagingId, rows);
  const result = await consolidateBatch({
    batchId,
    gameDate,
    datasetPrefix,
    expectedMessageIds: [stagingId],
    expected: { [stagingId]: { player: null, rows: rows.length } },
    staging,
    lock: ports.lock,
    lockOptions: CONSOLIDATION_LOCK_DEFAULTS,
    merger: ports.warehouse.merger,
  });
  if (result.quarantined.length > 0)
    throw new Error(`the staged rows were quarantined: ${result.quarantined[0]!.reason}`);
  await ports.warehouse.recordBatch(
    {
      batch_id: batchId,
      game_date: gameDate,
      // Players the feature gate refused get no row by design: the batch does not expect them.
      players_expected: players.length - (outcome.players_skipped[INVALID_FEATURES] ?? 0),
      players_completed: players.length,
      rows_merged: result.batchRows,
      fencing_token: result.fencingToken,
      load_path: load.path,
      consolidated_at: new Date().toISOString(),
    },
    datasetPrefix,
  );
  outcome.rows = result.batchRows;
  outcome.rows_replaced = result.rowsReplaced;
}

/** What a date that did not finish reports: no games and no players are outcomes, the rest say why. */
function notDone(error: unknown): Pick<DateOutcome, 'status' | 'reason'> {
  if (error instanceof NoGamesOnDateError) return { status: 'no_games', reason: errorMessage(error) };
  if (error instanceof NoEligiblePlayers) return { status: 'no_players', reason: errorMessage(error) };
  if (error instanceof DateSkipped) return { status: 'skipped', reason: errorMessage(error) };
  if (error instanceof LockTimeoutError)
    return { status: 'skipped', reason: `a batch of the date is being started or consolidated (${error.message})` };
  if (error instanceof UnknownGameDateError)
    return { status: 'failed', reason: `outside the warehouse's schedule: ${error.message}` };
  return { status: 'failed', reason: errorMessage(error) };
}

/**
 * One date as a daily batch does it, in this process: under the date's start lock (so no /start
 * of the date runs meanwhile) the same selection, one slate query, the seven systems over every
 * player at once, the same rows, staged in one write and merged exactly once under the date's
 * consolidation lock; then graded. A date with an unfinished batch is skipped, never merged into.
 */
export async function backfillDate(context: BackfillContext, gameDate: string): Promise<DateOutcome> {
  const started = Date.now();
  const outcome: DateOutcome = {
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
  const { ports, datasetPrefix } = context;
  try {
    await ports.lock.withLock(startLockKey(gameDate, datasetPrefix), START_LOCK_OPTIONS, async () => {
      const running = await unfinishedBatches(ports.state, gameDate, datasetPrefix);
      if (running.length > 0)
        throw new DateSkipped(`batch ${running[0]!.batch_id} of the date is ${running[0]!.status}`);
      await stageAndMerge(context, gameDate, await predictDate(context, gameDate, outcome), outcome);
    });
    outcome.status = 'done';
  } catch (error) {
    Object.assign(outcome, notDone(error));
  }
  if (outcome.status === 'done' && context.grade) await gradeInto(context.grade, context.keepSystems, outcome);
  outcome.seconds = (Date.now() - started) / 1000;
  return outcome;
}

async function gradeInto(
  grade: NonNullable<BackfillContext['grade']>,
  keepSystems: BackfillContext['keepSystems'],
  outcome: DateOutcome,
): Promise<void> {
  try {
    const graded = await grade(outcome.game_date);
    outcome.graded = graded.rows.length;
    outcome.systems = graded.systems.filter((system) => keepSystems === null || keepSystems.has(system.systemId));
  } catch (error) {
    if (error instanceof NothingToGradeError) outcome.reason = `not graded: ${error.message}`;
    else {
      outcome.status = 'failed';
      outcome.reason = `consolidated, but grading failed: ${errorMessage(error)}`;
    }
  }
}

function countBySystem(rows: readonly PredictionRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.system_id] = (counts[row.system_id] ?? 0) + 1;
  return counts;
}
