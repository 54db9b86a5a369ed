import type * as z from 'zod';
import { isCalendarDate } from './game-date';
import { PredictionRowSchema, type PredictionRow } from './prediction-row';

// Each a plain check of one value, so the row check below compiles to straight-line code.
const isText = (value: unknown): value is string => typeof value === 'string';
const isNonEmptyText = (value: unknown) => typeof value === 'string' && value.length > 0;
const isTextOrNull = (value: unknown) => value === null || typeof value === 'string';
const isBooleanOrNull = (value: unknown) => value === null || typeof value === 'boolean';
// z.number() refuses NaN and the infinities.
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isWithin = (value: unknown, min: number, max: number) => isFiniteNumber(value) && value >= min && value <= max;
const isNumberOrNull = (value: unknown) => value === null || isFiniteNumber(value);
const isNotNegativeOrNull = (value: unknown) => value === null || isWithin(value, 0, Infinity);
const isCountOrNull = (value: unknown) => value === null || (Number.isSafeInteger(value) && (value as number) >= 0);
const RECOMMENDATIONS = new Set<unknown>(['OVER', 'UNDER', 'PASS', 'NO_LINE']);

/** The last game date found real: the rows of a batch share one, so it is parsed once. */
let lastRealDate: string | null = null;
function isRealDate(value: unknown): boolean {
  if (value === lastRealDate) return true;
  if (!isText(value) || !isCalendarDate(value)) return false;
  lastRealDate = value;
  return true;
}

/**
 * True only for a row `PredictionRowSchema` accepts, checked field by field at a fraction of zod's
 * cost (a season's backfill forms 128,405 rows; the coordinator reads every staged row back). False means "let the schema decide": its parse
 * then refuses the row with its own message (or accepts it). The test probes every field of the
 * schema with values it refuses, so this check can never pass what the schema would not.
 */
export function plainlyValidRow(row: PredictionRow): boolean {
  return (
    isNonEmptyText(row.prediction_id) &&
    isNonEmptyText(row.system_id) &&
    isNonEmptyText(row.player_lookup) &&
    isTextOrNull(row.universal_player_id) &&
    isRealDate(row.game_date) &&
    isNonEmptyText(row.game_id) &&
    row.prediction_version === 1 &&
    isWithin(row.predicted_points, 0, 60) &&
    isWithin(row.confidence_score, 0, 1) &&
    RECOMMENDATIONS.has(row.recommendation) &&
    isNotNegativeOrNull(row.current_points_line) &&
    isNumberOrNull(row.line_margin) &&
    typeof row.has_prop_line === 'boolean' &&
    isText(row.line_source) &&
    isTextOrNull(row.line_source_api) &&
    isTextOrNull(row.sportsbook) &&
    isNotNegativeOrNull(row.estimated_line_value) &&
    isNumberOrNull(row.pace_adjustment) &&
    isCountOrNull(row.similar_games_count) &&
    row.key_factors === null &&
    typeof row.is_actionable === 'boolean' &&
    isTextOrNull(row.filter_reason) &&
    isNonEmptyText(row.model_version) &&
    row.scoring_tier === null &&
    row.adjusted_points === null &&
    isTextOrNull(row.injury_status_at_prediction) &&
    isBooleanOrNull(row.injury_flag_at_prediction) &&
    isTextOrNull(row.injury_reason_at_prediction) &&
    isTextOrNull(row.injury_checked_at) &&
    row.is_active === true &&
    isText(row.created_at) &&
    isNonEmptyText(row.batch_id) &&
    isNonEmptyText(row.message_id) &&
    isWithin(row.feature_quality_score, 0, 100) &&
    typeof row.is_fallback === 'boolean' &&
    isText(row.details)
  );
}

const ROW_FIELDS = Object.keys(PredictionRowSchema.shape).length;

/**
 * `PredictionRowSchema.safeParse(value)`, without zod's cost for a row the plain check vouches for:
 * exactly the schema's fields, each plainly valid. Anything else, a row with a field the schema
 * does not know included (its parse drops it), goes to the schema, which names the field it refuses.
 */
export function checkedPredictionRow(value: unknown): z.ZodSafeParseResult<PredictionRow> {
  if (typeof value === 'object' && value !== null && Object.keys(value).length === ROW_FIELDS) {
    const row = value as PredictionRow;
    if (plainlyValidRow(row)) return { success: true, data: row };
  }
  return PredictionRowSchema.safeParse(value);
}
