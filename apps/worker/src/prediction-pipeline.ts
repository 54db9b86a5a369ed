import type { CompletionEvent, PredictionRequest } from '@props/contracts';
import { FeatureVector } from '@props/feature-loader';
import type { Publisher } from '@props/messaging';
import type { PredictionSystems } from '@props/models';
import type { StagingFor } from '@props/prediction-store';
import { formPredictionRows } from './form-prediction-rows';

/**
 * The original's floor (`validate_features(min_quality_score=50)`): a player whose stored features
 * score under it is not predicted, and the batch counts the skip as `invalid_features`. (Its
 * completeness gate never rejects once quality is at least 50, so nothing else is gated here.)
 */
export const MIN_FEATURE_QUALITY = 50;
export const INVALID_FEATURES = 'invalid_features';

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
    private readonly completionTopic: string,
    private readonly workerInstance: string,
  ) {}

  async handle(messageId: string, request: PredictionRequest): Promise<PipelineResult> {
    if (request.features.quality_score < MIN_FEATURE_QUALITY) {
      const reason = `feature_quality_score ${request.features.quality_score} is under the floor of ${MIN_FEATURE_QUALITY}`;
      await this.publisher.publish(this.completionTopic, this.completion(request, messageId, 0, INVALID_FEATURES, new Date().toISOString()));
      return { rowsStaged: 0, skipped: [{ systemId: 'all', reason: `${INVALID_FEATURES}: ${reason}` }] };
    }
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
    const skipReason = rows.length > 0 ? null : skipped.map((skip) => `${skip.systemId}: ${skip.reason}`).join('; ') || 'no system predicted';
    await this.publisher.publish(this.completionTopic, this.completion(request, messageId, rows.length, skipReason, createdAt));
    return { rowsStaged: rows.length, skipped };
  }

  private completion(request: PredictionRequest, messageId: string, rowsStaged: number, skipReason: string | null, timestamp: string): CompletionEvent {
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
