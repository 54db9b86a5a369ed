import type { CompletionEvent, PredictionRequest } from '@props/contracts';
import { FeatureVector } from '@props/feature-loader';
import type { Publisher } from '@props/messaging';
import type { PredictionSystems } from '@props/models';
import type { StagingFor } from '@props/prediction-store';
import { formPredictionRows } from './form-prediction-rows';

export const COMPLETION_TOPIC = 'prediction-ready';

export interface PipelineResult {
  rowsStaged: number;
  skipped: Array<{ systemId: string; reason: string }>;
}

/**
 * One player's request: validate the features, run the six systems for each line, stage the rows
 * under the message id (a redelivery replaces them), then publish the completion event. Feature
 * and input errors throw before anything is staged; staging and publishing errors throw after.
 */
export class PredictionPipeline {
  constructor(
    private readonly systems: PredictionSystems,
    private readonly staging: StagingFor,
    private readonly publisher: Publisher,
    private readonly workerInstance: string,
  ) {}

  async handle(messageId: string, request: PredictionRequest): Promise<PipelineResult> {
    const features = new FeatureVector(request.features.values, request.features.feature_version, request.features.quality_score);
    const lines: Array<number | null> = request.line_values.length > 0 ? request.line_values : [null];
    const inputs = lines.map((line) => ({ playerLookup: request.player_lookup, gameDate: request.game_date, isHome: request.is_home, features, history: request.history, line }));
    const results = await this.systems.predict(inputs);
    const createdAt = new Date().toISOString();
    const formed = results.map((result, index) => formPredictionRows(request, messageId, lines[index]!, result.outcomes, createdAt));
    const rows = formed.flatMap((form) => form.rows);
    const skipped = results.flatMap((result, index) => [
      ...result.outcomes.flatMap((outcome) => ('skipped' in outcome ? [{ systemId: outcome.systemId, reason: outcome.skipped }] : [])),
      ...result.failures.map((failure) => ({ systemId: failure.systemId, reason: `failed: ${failure.error}` })),
      ...formed[index]!.invalid,
    ]);
    await this.staging(request.dataset_prefix).write(request.batch_id, messageId, rows);
    const event: CompletionEvent = {
      batch_id: request.batch_id,
      player_lookup: request.player_lookup,
      game_date: request.game_date,
      message_id: messageId,
      outcome: rows.length > 0 ? 'staged' : 'skipped',
      rows_staged: rows.length,
      skip_reason: rows.length > 0 ? null : skipped.map((skip) => `${skip.systemId}: ${skip.reason}`).join('; ') || 'no system predicted',
      worker_instance: this.workerInstance,
      timestamp: createdAt,
    };
    await this.publisher.publish(COMPLETION_TOPIC, event);
    return { rowsStaged: rows.length, skipped };
  }
}
