import type { PredictionRequest, PredictionRow } from '@props/contracts';
import { FeatureVector } from '@props/feature-vector';
import type { PredictionSystems } from '../run-prediction-systems';
import type { PredictionInput } from '../systems/prediction-system';
import { INVALID_FEATURES, invalidFeatures } from './feature-gate';
import { formPredictionRows } from './form-prediction-rows';

export interface PlayerPrediction {
  messageId: string;
  request: PredictionRequest;
  rows: PredictionRow[];
  skipped: Array<{ systemId: string; reason: string }>;
  /** What the completion event reports when no row was formed; null when there are rows. */
  skipReason: string | null;
}

/**
 * The seven systems over many requests at once (each ONNX model scores all of their lines in one
 * call) and the rows each request stages: the worker calls it with one request, the backfill with
 * a whole date. Throws PredictionInputError (naming the field) before any system runs when an
 * input is invalid.
 */
export async function predictPlayers(
  systems: PredictionSystems,
  requests: ReadonlyArray<{ messageId: string; request: PredictionRequest }>,
  createdAt: string,
): Promise<PlayerPrediction[]> {
  const inputs: PredictionInput[] = [];
  const planned = requests.map(({ messageId, request }) => {
    // The original's validate_features: a player it refuses gets no row from any system.
    const invalid = invalidFeatures(request);
    if (invalid !== null) return { messageId, request, lines: [] as Array<number | null>, first: -1, invalid };
    const features = new FeatureVector(
      request.features.values,
      request.features.feature_version,
      request.features.quality_score,
    );
    const lines: Array<number | null> = request.line_values.length > 0 ? request.line_values : [null];
    const first = inputs.length;
    for (const line of lines)
      inputs.push({
        playerLookup: request.player_lookup,
        gameDate: request.game_date,
        isHome: request.is_home,
        features,
        history: request.history,
        line,
      });
    return { messageId, request, lines, first, invalid };
  });
  const results = await systems.predict(inputs);
  return planned.map(({ messageId, request, lines, first, invalid }) => {
    if (invalid !== null) {
      const reason = invalid;
      return {
        messageId,
        request,
        rows: [],
        skipped: [{ systemId: 'all', reason: `${INVALID_FEATURES}: ${reason}` }],
        skipReason: INVALID_FEATURES,
      };
    }
    const rows: PredictionRow[] = [];
    const skipped: Array<{ systemId: string; reason: string }> = [];
    lines.forEach((line, index) => {
      const result = results[first + index]!;
      const formed = formPredictionRows(request, messageId, line, result.outcomes, createdAt);
      rows.push(...formed.rows);
      skipped.push(
        ...result.outcomes.flatMap((outcome) =>
          'skipped' in outcome ? [{ systemId: outcome.systemId, reason: outcome.skipped }] : [],
        ),
        ...result.failures.map((failure) => ({ systemId: failure.systemId, reason: `failed: ${failure.error}` })),
        ...formed.invalid,
      );
    });
    const skipReason =
      rows.length > 0
        ? null
        : skipped.map((skip) => `${skip.systemId}: ${skip.reason}`).join('; ') || 'no system predicted';
    return { messageId, request, rows, skipped, skipReason };
  });
}
