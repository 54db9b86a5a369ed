import { isCalendarDate, type PredictionRow } from '@props/contracts';

type FieldCheck = (value: unknown) => boolean;

const isText: FieldCheck = (value) => typeof value === 'string';
const isNonEmptyText: FieldCheck = (value) => typeof value === 'string' && value.length > 0;
const isBoolean: FieldCheck = (value) => typeof value === 'boolean';
// z.number() refuses NaN and the infinities.
const isFinite: FieldCheck = (value) => typeof value === 'number' && Number.isFinite(value);
const within =
  (min: number, max: number): FieldCheck =>
  (value) =>
    isFinite(value) && (value as number) >= min && (value as number) <= max;
const orNull =
  (check: FieldCheck): FieldCheck =>
  (value) =>
    value === null || check(value);
const RECOMMENDATIONS = new Set<unknown>(['OVER', 'UNDER', 'PASS', 'NO_LINE']);

/**
 * What `PredictionRowSchema` accepts, field by field (its keys, checked equal by the test, which
 * also checks that a value refused by the schema is never passed here).
 */
export const ROW_FIELD_CHECKS: Record<keyof PredictionRow, FieldCheck> = {
  prediction_id: isNonEmptyText,
  system_id: isNonEmptyText,
  player_lookup: isNonEmptyText,
  universal_player_id: orNull(isText),
  game_date: (value) => typeof value === 'string' && isCalendarDate(value),
  game_id: isNonEmptyText,
  prediction_version: (value) => value === 1,
  predicted_points: within(0, 60),
  confidence_score: within(0, 1),
  recommendation: (value) => RECOMMENDATIONS.has(value),
  current_points_line: orNull(within(0, Infinity)),
  line_margin: orNull(isFinite),
  has_prop_line: isBoolean,
  line_source: isText,
  line_source_api: orNull(isText),
  sportsbook: orNull(isText),
  estimated_line_value: orNull(within(0, Infinity)),
  pace_adjustment: orNull(isFinite),
  similar_games_count: orNull((value) => Number.isSafeInteger(value) && (value as number) >= 0),
  key_factors: (value) => value === null,
  is_actionable: isBoolean,
  filter_reason: orNull(isText),
  model_version: isNonEmptyText,
  scoring_tier: (value) => value === null,
  adjusted_points: (value) => value === null,
  injury_status_at_prediction: orNull(isText),
  injury_flag_at_prediction: orNull(isBoolean),
  injury_reason_at_prediction: orNull(isText),
  injury_checked_at: orNull(isText),
  is_active: (value) => value === true,
  created_at: isText,
  batch_id: isNonEmptyText,
  message_id: isNonEmptyText,
  feature_quality_score: within(0, 100),
  is_fallback: isBoolean,
  details: isText,
};
const FIELD_CHECKS = Object.entries(ROW_FIELD_CHECKS) as Array<[keyof PredictionRow, FieldCheck]>;

/**
 * True only for a row the row schema accepts: a check of a row this code formed at a fraction of
 * zod's cost (a season's backfill forms 128,405). False means "let the schema decide": its parse
 * then refuses the row with its own message, or accepts it.
 */
export function plainlyValidRow(row: PredictionRow): boolean {
  for (const [field, check] of FIELD_CHECKS) if (!check(row[field])) return false;
  return true;
}
