import type { Logger } from '@props/observability';
import { LogEvent } from '@props/observability';
import {
  INVALID_FEATURES,
  ServiceError,
  phase5CompletionMessage,
  type BatchStatusBody,
  type CompletionEvent,
  errorMessage,
} from '@props/contracts';
import type { Publisher } from '@props/messaging';
import { consolidateBatch, consolidationLockKey, type ExpectedStaging } from '@props/consolidation';

type ConsolidationResult = Awaited<ReturnType<typeof consolidateBatch>>;
/** The fields every log line about one batch carries. */
interface BatchLogContext {
  batch_id: string;
  game_date: string;
  dataset_prefix: string;
}
import { CONSOLIDATION_LOCK_DEFAULTS, LockTimeoutError, type DistributedLock } from '@props/distributed-lock';
import type { StagingFor } from '@props/prediction-store';
import {
  START_LOCK_OPTIONS,
  batchPrefix,
  newBatchId,
  predictionRequests,
  selectPlayers,
  startLockKey,
  unfinishedBatches,
  type BatchRecord,
  type BatchStateStore,
  type BatchWarehouse,
} from '@props/prediction-batch';
import type { Fanout } from './coordinator-ports';
import { resolveGameDate } from './resolve-game-date';

/** Above this share of fallback rows a batch raises fallback_share_high (the original alerted at 10%). */
export const MAX_FALLBACK_SHARE = 0.1;
/**
 * A consolidating batch claimed longer ago than this whose date lock is free has lost its
 * consolidator. One lease long: a live consolidator holds (and renews) the lock within moments of
 * its claim, a dead one's lease has lapsed by then.
 */
export const CONSOLIDATION_GRACE_MS = CONSOLIDATION_LOCK_DEFAULTS.leaseMs;

export interface BatchOrchestratorOptions {
  state: BatchStateStore;
  lock: DistributedLock;
  staging: StagingFor;
  delivery: Fanout | null;
  /** The phase-5 completion message's publisher and topic (PHASE5_COMPLETE_TOPIC). */
  notices: { publisher: Publisher; topic: string };
  warehouse: BatchWarehouse;
  logger: Logger;
  stallSeconds: number;
  minCoverage: number;
  slateTimeoutMs: number;
  slateLoad: 'one_query' | 'per_player';
  /** A staging environment's dataset prefix (PROPS_DATASET_PREFIX): its batches use it, never another. */
  environmentPrefix?: string;
}

/** Why /start did not start a batch, with the reason for the caller. */
export class BatchRefusal extends ServiceError {
  override readonly name = 'BatchRefusal';
}

/**
 * The coordinator's batch: start (select, load in one query, fan out), record completions
 * idempotently, consolidate exactly once, re-publish stalled players. All state lives in the
 * shared state store, so any coordinator process can answer or finish any batch.
 */
export class BatchOrchestrator {
  constructor(private readonly options: BatchOrchestratorOptions) {}

  async start(request: {
    game_date: string;
    force: boolean;
    dataset_prefix: string;
    minMinutes?: number;
    correlationId?: string | null;
    triggerSource?: string | null;
  }): Promise<BatchStatusBody> {
    if (!this.options.delivery)
      throw new BatchRefusal('no_workers', 'no worker endpoints are configured (PROPS_WORKER_URLS)');
    const gameDate = resolveGameDate(request.game_date);
    const environmentPrefix = this.options.environmentPrefix ?? '';
    const prefix = request.dataset_prefix || environmentPrefix;
    if (environmentPrefix && prefix !== environmentPrefix)
      throw new BatchRefusal(
        'dataset_prefix_not_served',
        `dataset_prefix: this coordinator starts batches of "${environmentPrefix}" only (PROPS_DATASET_PREFIX), not of "${prefix}"`,
      );
    return this.options.lock.withLock(startLockKey(gameDate, prefix), START_LOCK_OPTIONS, async () => {
      const running = await unfinishedBatches(this.options.state, gameDate, prefix);
      if (running.length > 0 && !request.force) {
        throw new BatchRefusal(
          'already_running',
          `batch ${running[0]!.batch_id} for ${gameDate} is still ${running[0]!.status}; send force: true to start another`,
        );
      }
      const started = Date.now();
      const { selection, load } = await this.selectAndLoad(gameDate, prefix, request.minMinutes);
      const batchId = newBatchId(gameDate);
      if (load.path !== 'one_query')
        this.options.logger.warn(
          { event: LogEvent.slateLoadFallback, batch_id: batchId, game_date: gameDate, reason: load.fallbackReason },
          'slate loaded player by player',
        );
      const { players, messages, messageIds } = predictionRequests({
        batchId,
        gameDate,
        datasetPrefix: prefix,
        selected: selection.selected,
        load,
        checkedAt: new Date(started).toISOString(),
      });
      const now = new Date();
      const record: BatchRecord = {
        batch_id: batchId,
        game_date: gameDate,
        dataset_prefix: prefix,
        status: 'running',
        created_at: now.toISOString(),
        stall_deadline: new Date(now.getTime() + this.options.stallSeconds * 1000).toISOString(),
        players,
        message_ids: messageIds,
        selection_dropped: selection.dropped,
        load: {
          path: load.path,
          fallback_reason: load.fallbackReason,
          duration_ms: Date.now() - started,
          missing: load.missing,
        },
        republished_at: null,
        consolidating_since: null,
        consolidation: null,
        last_error: null,
        correlation_id: request.correlationId ?? null,
        trigger_source: request.triggerSource ?? null,
      };
      await this.options.state.create(record, messages);
      // A forced newer batch closes the older unfinished ones: they are never merged after it (newest wins).
      for (const older of running) await this.supersede(older.batch_id, batchId);
      await Promise.all(players.map((player) => this.options.delivery!.publish(messages[player], messageIds[player]!)));
      this.options.logger.info(
        {
          event: LogEvent.batchStarted,
          batch_id: batchId,
          game_date: gameDate,
          players: players.length,
          load_path: load.path,
        },
        `batch ${batchId}: ${players.length} players published`,
      );
      return (await this.status(batchId))!;
    });
  }

  /** The date's players with a line (or a known estimate), and their features in one slate query. */
  private async selectAndLoad(gameDate: string, prefix: string, minMinutes: number | undefined) {
    const candidates = await this.options.warehouse.candidates(gameDate, prefix);
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
    const load = await this.options.warehouse.loadSlate(
      gameDate,
      selection.selected.map((player) => player.candidate.playerLookup),
      prefix,
      { timeoutMs: this.options.slateTimeoutMs, mode: this.options.slateLoad },
    );
    return { selection, load };
  }

  /** Idempotent: a completion for an unknown, finished or foreign player's batch changes nothing. */
  async complete(event: CompletionEvent): Promise<'recorded' | 'ignored'> {
    const batch = await this.options.state.get(event.batch_id);
    const ignore = (reason: string) => {
      this.options.logger.info(
        { event: LogEvent.completionIgnored, batch_id: event.batch_id, player_lookup: event.player_lookup, reason },
        `completion ignored: ${reason}`,
      );
      return 'ignored' as const;
    };
    if (!batch) return ignore('unknown batch');
    if (batch.status === 'consolidated' && !batch.consolidation?.partial) return ignore('batch already consolidated');
    if (batch.status === 'superseded') return ignore('batch superseded by a newer batch of its date');
    if (!batch.players.includes(event.player_lookup)) return ignore('player is not part of the batch');
    await this.options.state.recordCompletion(batch.batch_id, {
      player_lookup: event.player_lookup,
      message_id: event.message_id,
      outcome: event.outcome,
      rows_staged: event.rows_staged,
      skip_reason: event.skip_reason,
      recorded_at: new Date().toISOString(),
    });
    // A late player of a batch consolidated with partial coverage is merged by a follow-up, never dropped.
    if (batch.status === 'consolidated') {
      await this.followUp(batch.batch_id).catch((error: unknown) =>
        this.options.logger.error(
          {
            event: LogEvent.consolidationFailed,
            batch_id: batch.batch_id,
            game_date: batch.game_date,
            dataset_prefix: batchPrefix(batch),
            reason: errorMessage(error),
          },
          `follow-up consolidation of ${batch.batch_id} failed; the stall check retries it`,
        ),
      );
      return 'recorded';
    }
    // The completion that makes the batch whole consolidates it before it is answered: Cloud Run
    // gives an instance CPU only while a request is open. A failed consolidation is logged and left
    // running for the stall check; the completion is recorded either way.
    if ((await this.options.state.completionCount(batch.batch_id)) >= batch.players.length)
      await this.consolidate(batch.batch_id, false).catch(() => undefined);
    return 'recorded';
  }

  /** Runs once per batch: only the caller that moves it from running to consolidating does the MERGE. */
  async consolidate(batchId: string, partial: boolean): Promise<BatchStatusBody | null> {
    const claimed = await this.options.state.update(batchId, (record) =>
      record.status === 'running'
        ? { ...record, status: 'consolidating', consolidating_since: new Date().toISOString() }
        : null,
    );
    if (!claimed) return await this.status(batchId);
    const context = { batch_id: batchId, game_date: claimed.game_date, dataset_prefix: batchPrefix(claimed) };
    try {
      const result = await consolidateBatch({
        batchId,
        gameDate: claimed.game_date,
        datasetPrefix: batchPrefix(claimed),
        expectedMessageIds: Object.values(claimed.message_ids),
        expected: await this.expectedStaging(claimed),
        staging: this.options.staging(batchPrefix(claimed)),
        lock: this.options.lock,
        lockOptions: CONSOLIDATION_LOCK_DEFAULTS,
        merger: this.options.warehouse.merger,
      });
      this.logLeftOut(result, context);
      const completed = await this.options.state.completionCount(batchId);
      // Players the feature gate refused get no row by design: the batch does not expect them.
      const refused = (await this.options.state.completions(batchId)).filter(
        (completion) => completion.skip_reason === INVALID_FEATURES,
      ).length;
      const consolidatedAt = new Date().toISOString();
      await this.options.warehouse.recordBatch(
        {
          batch_id: batchId,
          game_date: claimed.game_date,
          players_expected: claimed.players.length - refused,
          players_completed: completed,
          rows_merged: result.batchRows,
          fencing_token: result.fencingToken,
          load_path: claimed.load.path,
          consolidated_at: consolidatedAt,
        },
        batchPrefix(claimed),
      );
      await this.options.state.update(batchId, (record) => ({
        ...record,
        status: 'consolidated',
        last_error: null,
        consolidation: {
          rows_staged: result.rowsStaged,
          rows_merged: result.batchRows,
          rows_replaced: result.rowsReplaced,
          duplicate_keys: result.duplicateKeys,
          fencing_token: result.fencingToken,
          // A quarantined player (forged, empty or torn staging) counts as missing.
          coverage: claimed.players.length === 0 ? 1 : (completed - result.quarantined.length) / claimed.players.length,
          partial,
          quarantined: result.quarantined.map((bad) => bad.messageId),
          consolidated_at: consolidatedAt,
        },
      }));
      const status = (await this.status(batchId))!;
      // Only the batch whose rows are in the table announces them: a stale batch that wrote nothing
      // (a newer one of the date had every key) must not make downstream re-export.
      if (result.rowsMerged > 0 || (result.rowsKept === 0 && result.batchRows > 0))
        await this.announce(claimed, {
          playersCompleted: completed,
          rowsMerged: result.batchRows,
          consolidatedAt,
          partial,
        });
      else
        this.options.logger.warn(
          { event: LogEvent.batchSuperseded, ...context, rows_kept: result.rowsKept },
          `batch ${batchId} wrote no rows (a newer batch of the date holds ${result.rowsKept}); no phase-5 completion`,
        );
      this.logSummary(status, result, context);
      return status;
    } catch (error) {
      await this.options.state.update(batchId, (record) => ({
        ...record,
        status: 'running',
        consolidating_since: null,
        // The status body is open: the reason's kind only; the log has the driver's words.
        last_error: publicReason(error),
      }));
      this.options.logger.error(
        { event: LogEvent.consolidationFailed, ...context, reason: errorMessage(error) },
        `consolidation of ${batchId} failed; it stays running and the stall check retries it`,
      );
      throw error;
    }
  }

  /** Per published message: its player, and the rows its completion reported (null until it completes). */
  private async expectedStaging(batch: BatchRecord): Promise<Record<string, ExpectedStaging>> {
    const reported = new Map(
      (await this.options.state.completions(batch.batch_id)).map((completion) => [
        completion.message_id,
        completion.rows_staged,
      ]),
    );
    return Object.fromEntries(
      Object.entries(batch.message_ids).map(([player, messageId]) => [
        messageId,
        { player, rows: reported.get(messageId) ?? null },
      ]),
    );
  }

  /** Closes a running batch because `newer` replaced it; a batch already merging or merged is left as it is. */
  private async supersede(batchId: string, newer: string): Promise<void> {
    const closed = await this.options.state.update(batchId, (record) =>
      record.status === 'running' ? { ...record, status: 'superseded', last_error: `superseded by ${newer}` } : null,
    );
    if (closed)
      this.options.logger.warn(
        {
          event: LogEvent.batchSuperseded,
          batch_id: batchId,
          game_date: closed.game_date,
          dataset_prefix: batchPrefix(closed),
          superseded_by: newer,
        },
        `batch ${batchId} superseded by ${newer}; it will not be merged`,
      );
  }

  /**
   * Publishes the phase-5 completion the original platform's orchestrator waits for, retrying
   * twice; failing that it logs an alertable event. It never fails the consolidation that happened.
   */
  private async announce(
    batch: BatchRecord,
    outcome: { playersCompleted: number; rowsMerged: number; consolidatedAt: string; partial: boolean },
  ): Promise<void> {
    if (batchPrefix(batch)) return; // A prefixed (test) batch wrote test tables: nothing downstream should export them.
    const message = phase5CompletionMessage({
      batchId: batch.batch_id,
      gameDate: batch.game_date,
      correlationId: batch.correlation_id ?? null,
      triggerSource: batch.trigger_source ?? null,
      playersExpected: batch.players.length,
      playersCompleted: outcome.playersCompleted,
      rowsMerged: outcome.rowsMerged,
      startedAt: batch.created_at,
      consolidatedAt: outcome.consolidatedAt,
      partial: outcome.partial,
    });
    const { publisher, topic } = this.options.notices;
    let failure = '';
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      try {
        await publisher.publish(topic, message, { messageId: `${batch.batch_id}.complete` });
        this.options.logger.info(
          {
            event: LogEvent.phase5CompletionPublished,
            batch_id: batch.batch_id,
            game_date: batch.game_date,
            topic,
            status: message.status,
          },
          `phase-5 completion published to ${topic}`,
        );
        return;
      } catch (error) {
        failure = errorMessage(error);
        if (attempt < 3) await new Promise((resolveWait) => setTimeout(resolveWait, 250 * 4 ** (attempt - 1)));
      }
    }
    this.options.logger.error(
      {
        event: LogEvent.phase5CompletionPublishFailed,
        batch_id: batch.batch_id,
        game_date: batch.game_date,
        topic,
        reason: failure,
      },
      `could not publish the phase-5 completion to ${topic} after 3 attempts: ${failure}`,
    );
  }

  /**
   * For each running batch past its stall deadline (or every running batch with `force`, until its
   * re-publish sets a fresh deadline, which even `force` then respects): re-publish the missing
   * players once; after that, consolidate when coverage is high enough. A batch left consolidating
   * by a coordinator that died (claim older than the grace period, date lock free) is reopened
   * first; one that a newer batch of its date replaced is closed as superseded instead of merged;
   * a partially consolidated batch whose late players have staged since gets a follow-up merge.
   * Each batch is checked on its own: one that fails is reported with its reason (and logged as
   * consolidation_failed, which alerts), and the others proceed.
   */
  async checkStalled(options: {
    batchId?: string;
    force?: boolean;
    stallMinutes?: number;
    minCoverage?: number;
  }): Promise<{ batch_id: string; action: string }[]> {
    const actions: { batch_id: string; action: string }[] = [];
    const all = await this.options.state.list();
    for (const listed of all) {
      if (options.batchId && listed.batch_id !== options.batchId) continue;
      if (listed.status === 'superseded') continue;
      try {
        await this.checkOne(listed, all, options, actions);
      } catch (error) {
        const reason = errorMessage(error);
        this.options.logger.error(
          {
            event: LogEvent.consolidationFailed,
            batch_id: listed.batch_id,
            game_date: listed.game_date,
            dataset_prefix: batchPrefix(listed),
            reason,
          },
          `stall check of ${listed.batch_id} failed; the other batches proceed`,
        );
        actions.push({ batch_id: listed.batch_id, action: `failed: ${publicReason(error)}` });
      }
    }
    return actions;
  }

  private async checkOne(
    listed: BatchRecord,
    all: readonly BatchRecord[],
    options: { force?: boolean; stallMinutes?: number; minCoverage?: number },
    actions: { batch_id: string; action: string }[],
  ): Promise<void> {
    const now = Date.now();
    const minCoverage = options.minCoverage ?? this.options.minCoverage;
    // The original's stall-check body sets the threshold: stalled once the last publish is that old.
    const stallDeadline = (batch: BatchRecord) =>
      options.stallMinutes === undefined
        ? Date.parse(batch.stall_deadline)
        : Date.parse(batch.republished_at ?? batch.created_at) + options.stallMinutes * 60_000;
    let batch = listed;
    if (batch.status === 'consolidated') {
      if (batch.consolidation?.partial && !newerBatchOf(batch, all)) {
        const followed = await this.followUp(batch.batch_id);
        if (followed) actions.push({ batch_id: batch.batch_id, action: followed });
      }
      return;
    }
    if (
      batch.status === 'consolidating' &&
      now - Date.parse(batch.consolidating_since ?? batch.created_at) > CONSOLIDATION_GRACE_MS &&
      !(await this.consolidationLockHeld(batch.game_date, batchPrefix(batch)))
    ) {
      // The coordinator that claimed it died mid-consolidation: its transaction rolled back and the staging is intact.
      const since = batch.consolidating_since;
      const reopened = await this.options.state.update(batch.batch_id, (record) =>
        record.status === 'consolidating' && record.consolidating_since === since
          ? { ...record, status: 'running', consolidating_since: null }
          : null,
      );
      if (!reopened) return;
      actions.push({
        batch_id: batch.batch_id,
        action: `reopened a consolidation left unfinished since ${since ?? 'an unknown time'}`,
      });
      batch = reopened;
    }
    if (batch.status !== 'running') {
      actions.push({
        batch_id: batch.batch_id,
        action: `waiting: consolidating since ${batch.consolidating_since ?? 'an unknown time'}; reopened when its date lock is free and ${CONSOLIDATION_GRACE_MS / 1000} s have passed`,
      });
      return;
    }
    const newer = newerBatchOf(batch, all);
    if (newer) {
      await this.supersede(batch.batch_id, newer.batch_id);
      actions.push({ batch_id: batch.batch_id, action: `superseded by ${newer.batch_id}; not merged` });
      return;
    }
    const reopenedNow = batch !== listed;
    // `force` skips the first wait only: after the re-publish, its fresh deadline gives the re-published players their time.
    const forced = options.force && batch.republished_at === null;
    if (!forced && !reopenedNow && stallDeadline(batch) > now) {
      const pending = batch.players.length - (await this.options.state.completionCount(batch.batch_id));
      actions.push({
        batch_id: batch.batch_id,
        action: `waiting: ${pending} of ${batch.players.length} players pending; stall deadline ${new Date(stallDeadline(batch)).toISOString()}`,
      });
      return;
    }
    await this.advance(batch, now, minCoverage, actions);
  }

  /** A stalled running batch's next step: merge it whole, re-publish its missing players once, or merge it partially. */
  private async advance(
    batch: BatchRecord,
    now: number,
    minCoverage: number,
    actions: { batch_id: string; action: string }[],
  ): Promise<void> {
    const done = new Set(
      (await this.options.state.completions(batch.batch_id)).map((completion) => completion.player_lookup),
    );
    const missing = batch.players.filter((player) => !done.has(player));
    const coverage = batch.players.length === 0 ? 1 : done.size / batch.players.length;
    if (missing.length === 0) {
      await this.consolidate(batch.batch_id, false);
      actions.push({ batch_id: batch.batch_id, action: 'consolidated: every player was in' });
    } else if (batch.republished_at === null && this.options.delivery) {
      for (const player of missing)
        await this.options.delivery.publish(
          await this.options.state.message(batch.batch_id, player),
          batch.message_ids[player]!,
        );
      await this.options.state.update(batch.batch_id, (record) => ({
        ...record,
        republished_at: new Date().toISOString(),
        stall_deadline: new Date(now + this.options.stallSeconds * 1000).toISOString(),
      }));
      this.options.logger.warn(
        {
          event: LogEvent.batchRepublished,
          batch_id: batch.batch_id,
          game_date: batch.game_date,
          players: missing.length,
        },
        `re-published ${missing.length} missing players`,
      );
      actions.push({ batch_id: batch.batch_id, action: `re-published ${missing.length} missing players` });
    } else if (coverage >= minCoverage) {
      await this.consolidate(batch.batch_id, true);
      actions.push({
        batch_id: batch.batch_id,
        action: `consolidated with partial coverage ${(coverage * 100).toFixed(1)}%`,
      });
    } else {
      actions.push({
        batch_id: batch.batch_id,
        action: `waiting: coverage ${(coverage * 100).toFixed(1)}% is below ${(minCoverage * 100).toFixed(1)}% after the re-publish`,
      });
    }
  }

  /**
   * A batch consolidated with partial coverage merges the players that staged after it (late
   * deliveries of the re-publish) in a follow-up under the same date lock, so no staged row is
   * dropped. Returns what it did, or null when nothing was left staged.
   */
  async followUp(batchId: string): Promise<string | null> {
    const batch = await this.options.state.get(batchId);
    if (!batch || batch.status !== 'consolidated' || !batch.consolidation?.partial) return null;
    const expected = Object.values(batch.message_ids);
    const staging = this.options.staging(batchPrefix(batch));
    const staged = new Set(await staging.list(batchId));
    if (!expected.some((messageId) => staged.has(messageId))) return null;
    const result = await consolidateBatch({
      batchId,
      gameDate: batch.game_date,
      datasetPrefix: batchPrefix(batch),
      expectedMessageIds: expected,
      expected: await this.expectedStaging(batch),
      staging,
      lock: this.options.lock,
      lockOptions: CONSOLIDATION_LOCK_DEFAULTS,
      merger: this.options.warehouse.merger,
    });
    if (result.rowsStaged === 0) return null;
    const completed = await this.options.state.completionCount(batchId);
    const context = { batch_id: batchId, game_date: batch.game_date, dataset_prefix: batchPrefix(batch) };
    this.logLeftOut(result, context);
    await this.options.state.update(batchId, (record) => {
      if (!record.consolidation) return null;
      const quarantined = [
        ...(record.consolidation.quarantined ?? []),
        ...result.quarantined.map((bad) => bad.messageId),
      ];
      const covered = completed - quarantined.length;
      return {
        ...record,
        consolidation: {
          ...record.consolidation,
          rows_staged: record.consolidation.rows_staged + result.rowsStaged,
          rows_merged: result.batchRows,
          rows_replaced: record.consolidation.rows_replaced + result.rowsReplaced,
          coverage: record.players.length === 0 ? 1 : covered / record.players.length,
          partial: covered < record.players.length,
          fencing_token: result.fencingToken,
          quarantined,
        },
      };
    });
    this.options.logger.info(
      { event: LogEvent.consolidationCompleted, ...context, rows_merged: result.rowsMerged, follow_up: true },
      `follow-up consolidation of ${batchId}: ${result.rowsMerged} late rows merged`,
    );
    return `follow-up: merged ${result.rowsMerged} rows staged after the partial consolidation`;
  }

  /** Whether some process holds the date's consolidation lock right now (probing takes and returns it). */
  private async consolidationLockHeld(gameDate: string, datasetPrefix: string): Promise<boolean> {
    try {
      const lease = await this.options.lock.acquire(consolidationLockKey(gameDate, datasetPrefix), {
        leaseMs: 5_000,
        maxWaitMs: 0,
        retryIntervalMs: 100,
      });
      await this.options.lock.release(lease);
      return false;
    } catch (error) {
      if (error instanceof LockTimeoutError) return true;
      throw error;
    }
  }

  /** Staged messages the merge left out: quarantined rows, and messages the batch never published. */
  private logLeftOut(result: ConsolidationResult, context: BatchLogContext): void {
    for (const bad of result.quarantined) {
      this.options.logger.error(
        { event: LogEvent.stagedMessageQuarantined, ...context, message_id: bad.messageId, reason: bad.reason },
        `staged message ${bad.messageId} quarantined: ${bad.reason}`,
      );
    }
    if (result.unexpectedMessageIds.length > 0) {
      this.options.logger.error(
        {
          event: LogEvent.unexpectedStagingIgnored,
          ...context,
          message_ids: result.unexpectedMessageIds.slice(0, 20),
          count: result.unexpectedMessageIds.length,
        },
        `${result.unexpectedMessageIds.length} staged message(s) under ${context.batch_id} were never published by it; left out of the merge`,
      );
    }
  }

  /** The batch's summary line, and an error when too much of it is fallback predictions. */
  private logSummary(status: BatchStatusBody, result: ConsolidationResult, context: BatchLogContext): void {
    const fallbackShare = result.rowsStaged === 0 ? 0 : result.fallbackRows / result.rowsStaged;
    this.options.logger.info(
      { event: LogEvent.batchSummary, ...context, ...summaryFields(status), fallback_share: fallbackShare },
      `batch ${context.batch_id} consolidated: ${result.batchRows} rows`,
    );
    if (fallbackShare > MAX_FALLBACK_SHARE) {
      this.options.logger.error(
        {
          event: LogEvent.fallbackShareHigh,
          ...context,
          fallback_share: fallbackShare,
          fallback_rows: result.fallbackRows,
        },
        `${(fallbackShare * 100).toFixed(1)}% of the batch are fallback predictions`,
      );
    }
  }

  async status(batchId: string): Promise<BatchStatusBody | null> {
    const batch = await this.options.state.get(batchId);
    if (!batch) return null;
    const completions = await this.options.state.completions(batchId);
    const skipped: Record<string, number> = {};
    for (const completion of completions)
      if (completion.outcome === 'skipped')
        skipped[completion.skip_reason ?? 'unknown'] = (skipped[completion.skip_reason ?? 'unknown'] ?? 0) + 1;
    return {
      batch_id: batch.batch_id,
      game_date: batch.game_date,
      dataset_prefix: batchPrefix(batch),
      status: batch.status,
      players_expected: batch.players.length,
      players_predicted: completions.filter((completion) => completion.outcome === 'staged').length,
      players_skipped: skipped,
      players_pending: batch.players.length - completions.length,
      // A player whose staging was quarantined (forged, empty or torn) is not covered.
      coverage:
        batch.players.length === 0
          ? 1
          : (completions.length - (batch.consolidation?.quarantined?.length ?? 0)) / batch.players.length,
      rows_staged: completions.reduce((sum, completion) => sum + completion.rows_staged, 0),
      load: batch.load,
      selection_dropped: batch.selection_dropped,
      consolidation: batch.consolidation,
      created_at: batch.created_at,
      republished_at: batch.republished_at,
      last_error: batch.last_error,
    };
  }

  async statusByDate(gameDate: string): Promise<BatchStatusBody[]> {
    const batches = (await this.options.state.list()).filter((batch) => batch.game_date === gameDate);
    return Promise.all(batches.map(async (batch) => (await this.status(batch.batch_id))!));
  }
}

/** A batch of the same date and prefix started after `batch` that is not itself superseded (ids order as starts). */
function newerBatchOf(batch: BatchRecord, all: readonly BatchRecord[]): BatchRecord | undefined {
  return all.find(
    (other) =>
      other.game_date === batch.game_date &&
      batchPrefix(other) === batchPrefix(batch) &&
      other.status !== 'superseded' &&
      other.created_at > batch.created_at,
  );
}

/** What a caller is told about a failure: its kind, never a path or a driver's words (those are logged). */
function publicReason(error: unknown): string {
  if (error instanceof ServiceError) return error.publicMessage;
  const name = error instanceof Error ? error.name : 'Error';
  return `${name}; the coordinator log (event consolidation_failed) has the details`;
}

function summaryFields(status: BatchStatusBody) {
  return {
    players_expected: status.players_expected,
    players_predicted: status.players_predicted,
    players_skipped: status.players_skipped,
    coverage: status.coverage,
    load_path: status.load.path,
    rows_merged: status.consolidation?.rows_merged,
    duplicate_keys: status.consolidation?.duplicate_keys,
  };
}
