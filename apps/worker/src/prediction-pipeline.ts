import type { CompletionEvent, PredictionRequest } from '@props/contracts';
import type { Publisher } from '@props/messaging';
import { INVALID_FEATURES, predictPlayers, type PredictionSystems } from '@props/models';
import type { StagingFor } from '@props/prediction-store';

export interface PipelineResult {
  rowsStaged: number;
  skipped: Array<{ systemId: string; reason: string }>;
}

/**
 * One player's request: validate the features, run the seven systems for each line, stage the rows
 * under the message id (a redelivery replaces them), then publish the completion event. Feature
 * and input errors throw before anything is staged; staging and publishing errors throw after.
 */
export class PredictionPipeline {
  constructor(
    private readonly systems: PredictionSystems,
    private readonly staging: StagingFor,
    private readonly publisher: Publisher,
    private readonly completionTopic: string,
    private readonly workerInstance: string,
  ) {}

  async handle(messageId: string, request: PredictionRequest): Promise<PipelineResult> {
    const createdAt = new Date().toISOString();
    const [predicted] = await predictPlayers(this.systems, [{ messageId, request }], createdAt);
    const { rows, skipped, skipReason } = predicted!;
    // A player under the feature-quality floor stages nothing, not even an empty set.
    if (skipReason !== INVALID_FEATURES)
      await this.staging(request.dataset_prefix).write(request.batch_id, messageId, rows);
    await this.publisher.publish(
      this.completionTopic,
      this.completion(request, messageId, rows.length, skipReason, createdAt),
    );
    return { rowsStaged: rows.length, skipped };
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
      skip_reason: skipReason,
      worker_instance: this.workerInstance,
      timestamp,
    };
  }
}
