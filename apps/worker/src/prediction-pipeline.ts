import { COMPLETION_SKIP_REASON_LIMIT, type CompletionEvent, type PredictionRequest } from '@props/contracts';
import type { Publisher } from '@props/messaging';
import { INVALID_FEATURES, predictPlayers, type PlayerPrediction, type PredictionSystems } from '@props/models';
import type { StagingFor } from '@props/prediction-store';

/** One request of a message, under the logical id its rows are staged by. */
export interface PlayerRequest {
  messageId: string;
  request: PredictionRequest;
}

export interface PlayerResult extends PlayerRequest {
  rowsStaged: number;
  skipped: Array<{ systemId: string; reason: string }>;
}

/**
 * A message's requests: validate the features, run the seven systems for each line, stage each
 * player's rows under its own message id (a redelivery replaces them), then publish the
 * completion: one event for a single request, as the original did, one group event for a group.
 * Feature and input errors throw before anything is staged; staging and publishing errors throw
 * after.
 */
export class PredictionPipeline {
  private predicting: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly systems: PredictionSystems,
    private readonly staging: StagingFor,
    private readonly publisher: Publisher,
    private readonly completionTopic: string,
    private readonly workerInstance: string,
  ) {}

  async handle(requests: readonly PlayerRequest[], grouped: boolean): Promise<PlayerResult[]> {
    const createdAt = new Date().toISOString();
    const predicted = await this.predictInTurn(requests, createdAt);
    // A player under the feature-quality floor stages nothing, not even an empty set. A message's
    // requests share their batch and prefix (the message schema refuses a group that mixes them).
    // Every write ends before a failure is answered, so none still runs when the message is redelivered.
    const staged = predicted
      .filter((player) => player.skipReason !== INVALID_FEATURES)
      .map(({ messageId, rows }) => ({ messageId, rows }));
    const { dataset_prefix: datasetPrefix, batch_id: batchId } = requests[0]!.request;
    if (staged.length > 0) await this.staging(datasetPrefix).writeAll(batchId, staged);
    const completions = predicted.map(({ request, messageId, rows, skipReason }) =>
      this.completion(request, messageId, rows.length, skipReason, createdAt),
    );
    await this.publisher.publish(this.completionTopic, grouped ? { completions } : completions[0]);
    return predicted.map(({ request, messageId, rows, skipped }) => ({
      request,
      messageId,
      rowsStaged: rows.length,
      skipped,
    }));
  }

  /**
   * One message's predictions at a time, in arrival order. The pushes of a batch arrive together;
   * predicted side by side (each system's ONNX run is its own turn of the event loop), every message
   * finished near the end, and the coordinator got no completion to record until then. In turn,
   * the first message is staged and completed while the next ones are predicted.
   */
  private predictInTurn(requests: readonly PlayerRequest[], createdAt: string): Promise<PlayerPrediction[]> {
    const turn = this.predicting.then(() => predictPlayers(this.systems, requests, createdAt));
    this.predicting = turn.catch(() => undefined);
    return turn;
  }

  private completion(
    request: PredictionRequest,
    messageId: string,
    rowsStaged: number,
    skipReason: string | null,
    timestamp: string,
  ): CompletionEvent {
    return {
      batch_id: request.batch_id,
      player_lookup: request.player_lookup,
      game_date: request.game_date,
      message_id: messageId,
      outcome: rowsStaged > 0 ? 'staged' : 'skipped',
      rows_staged: rowsStaged,
      // The completion's bound: a longer reason (the systems' error texts joined) would refuse it.
      skip_reason: skipReason === null ? null : skipReason.slice(0, COMPLETION_SKIP_REASON_LIMIT),
      worker_instance: this.workerInstance,
      timestamp,
    };
  }
}
