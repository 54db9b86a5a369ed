import { LogEvent } from '@props/observability';
import type { BatchStatusBody } from '@props/contracts';
import {
  START_LOCK_OPTIONS,
  newBatchId,
  predictionRequests,
  requestMessages,
  selectPlayers,
  startLockKey,
  unfinishedBatches,
  type BatchRecord,
  type BatchRequests,
} from '@props/prediction-batch';
import type { BatchOrchestratorOptions } from './batch-orchestrator-options';
import { BatchRefusal } from './batch-refusal';
import { batchStatus } from './batch-status';
import { resolveGameDate } from './resolve-game-date';
import { supersedeBatch } from './supersede-batch';

export interface StartRequest {
  game_date: string;
  force: boolean;
  dataset_prefix: string;
  minMinutes?: number;
  correlationId?: string | null;
  triggerSource?: string | null;
}

type SlateLoad = Awaited<ReturnType<BatchOrchestratorOptions['warehouse']['loadSlate']>>;
type Selection = ReturnType<typeof selectPlayers>;

/** Starts a batch under the date's start lock: select, load in one query, record, fan out. */
export async function startBatch(options: BatchOrchestratorOptions, request: StartRequest): Promise<BatchStatusBody> {
  if (!options.delivery) throw new BatchRefusal('no_workers', 'no worker endpoints are configured (PROPS_WORKER_URLS)');
  const gameDate = resolveGameDate(request.game_date);
  const environmentPrefix = options.environmentPrefix ?? '';
  const prefix = request.dataset_prefix || environmentPrefix;
  if (environmentPrefix && prefix !== environmentPrefix)
    throw new BatchRefusal(
      'dataset_prefix_not_served',
      `dataset_prefix: this coordinator starts batches of "${environmentPrefix}" only (PROPS_DATASET_PREFIX), not of "${prefix}"`,
    );
  return options.lock.withLock(startLockKey(gameDate, prefix), START_LOCK_OPTIONS, () =>
    startLocked(options, request, gameDate, prefix),
  );
}

async function startLocked(
  options: BatchOrchestratorOptions,
  request: StartRequest,
  gameDate: string,
  prefix: string,
): Promise<BatchStatusBody> {
  const running = await unfinishedBatches(options.state, gameDate, prefix);
  if (running.length > 0 && !request.force) {
    throw new BatchRefusal(
      'already_running',
      `batch ${running[0]!.batch_id} for ${gameDate} is still ${running[0]!.status}; send force: true to start another`,
    );
  }
  const started = Date.now();
  // Candidates and slate in one warehouse session: the local file opened and closed once.
  const { selection, load } = await options.warehouse.session(() =>
    selectAndLoad(options, gameDate, prefix, request.minMinutes),
  );
  const batchId = newBatchId(gameDate);
  if (load.path !== 'one_query')
    options.logger.warn(
      { event: LogEvent.slateLoadFallback, batch_id: batchId, game_date: gameDate, reason: load.fallbackReason },
      'slate loaded player by player',
    );
  const requests = predictionRequests({
    batchId,
    gameDate,
    datasetPrefix: prefix,
    selected: selection.selected,
    load,
    checkedAt: new Date(started).toISOString(),
  });
  const record = batchRecord(options, request, { batchId, gameDate, prefix, started, selection, load, requests });
  await options.state.create(record, requests.messages);
  // A forced newer batch closes the older unfinished ones: they are never merged after it (newest wins).
  for (const older of running) await supersedeBatch(options, older.batch_id, batchId);
  const { players } = requests;
  const published = requestMessages(requests, options.playersPerMessage);
  await Promise.all(published.map(({ payload, messageId }) => options.delivery!.publish(payload, messageId)));
  options.logger.info(
    {
      event: LogEvent.batchStarted,
      batch_id: batchId,
      game_date: gameDate,
      players: players.length,
      messages: published.length,
      load_path: load.path,
    },
    `batch ${batchId}: ${players.length} players published in ${published.length} messages`,
  );
  return (await batchStatus(options.state, batchId))!;
}

/** The date's players with a line (or a known estimate), and their features in one slate query. */
async function selectAndLoad(
  options: BatchOrchestratorOptions,
  gameDate: string,
  prefix: string,
  minMinutes: number | undefined,
): Promise<{ selection: Selection; load: SlateLoad }> {
  const candidates = await options.warehouse.candidates(gameDate, prefix);
  if (candidates.length === 0)
    throw new BatchRefusal(
      'no_players',
      `no players in the game context for ${gameDate}; is it a game date of the seeded season?`,
    );
  const selection = selectPlayers(candidates, minMinutes);
  if (selection.selected.length === 0)
    throw new BatchRefusal(
      'no_eligible_players',
      `no eligible players on ${gameDate} (dropped: ${JSON.stringify(selection.dropped)})`,
    );
  const load = await options.warehouse.loadSlate(
    gameDate,
    selection.selected.map((player) => player.candidate.playerLookup),
    prefix,
    { timeoutMs: options.slateTimeoutMs, mode: options.slateLoad },
  );
  return { selection, load };
}

/** The new batch's header, running from now with a stall deadline stallSeconds away. */
function batchRecord(
  options: BatchOrchestratorOptions,
  request: StartRequest,
  batch: {
    batchId: string;
    gameDate: string;
    prefix: string;
    started: number;
    selection: Selection;
    load: SlateLoad;
    requests: BatchRequests;
  },
): BatchRecord {
  const now = new Date();
  return {
    batch_id: batch.batchId,
    game_date: batch.gameDate,
    dataset_prefix: batch.prefix,
    status: 'running',
    created_at: now.toISOString(),
    stall_deadline: new Date(now.getTime() + options.stallSeconds * 1000).toISOString(),
    players: batch.requests.players,
    message_ids: batch.requests.messageIds,
    selection_dropped: batch.selection.dropped,
    load: {
      path: batch.load.path,
      fallback_reason: batch.load.fallbackReason,
      duration_ms: Date.now() - batch.started,
      missing: batch.load.missing,
    },
    republished_at: null,
    consolidating_since: null,
    consolidation: null,
    last_error: null,
    correlation_id: request.correlationId ?? null,
    trigger_source: request.triggerSource ?? null,
  };
}
