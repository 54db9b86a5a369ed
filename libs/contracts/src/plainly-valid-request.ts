import { DATASET_PREFIX_PATTERN } from './dataset-prefix';
import { isCalendarDate } from './game-date';
import { MAX_PLAYERS_PER_MESSAGE, groupProblem } from './one-or-group';
import { REQUEST_LIMITS, historyOrderProblem, type PredictionMessage } from './prediction-request';

// Each a plain check of one value, as the schema's rule for it, so the checks below stay straight-line code.
const isFinite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isWithin = (value: unknown, min: number, max: number) => isFinite(value) && value >= min && value <= max;
const isTextOf = (value: unknown, min: number, max: number) =>
  typeof value === 'string' && value.length >= min && value.length <= max;
const isTextOrNull = (value: unknown, max: number) => value === null || isTextOf(value, 0, max);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isListOf = (value: unknown, max: number, item: (entry: unknown) => boolean): value is unknown[] =>
  Array.isArray(value) && value.length <= max && value.every(item);
const BATCH_ID = /^[A-Za-z0-9_-]{1,128}$/;
const PLAYER_LOOKUP = /^[a-z0-9]{1,64}$/;
const LINE_SOURCES = new Set<unknown>(['ACTUAL_PROP', 'ESTIMATED_AVG', 'NEEDS_BOOTSTRAP']);
const { historyGames, featureValues, lines, text } = REQUEST_LIMITS;

/** Exactly `count` own fields: one the schema does not know would be dropped by its parse. */
function hasFields(value: Record<string, unknown>, count: number): boolean {
  let fields = 0;
  for (const key in value) if (Object.hasOwn(value, key)) fields++;
  return fields === count;
}

function isFeatures(value: unknown): boolean {
  return (
    isRecord(value) &&
    hasFields(value, 3) &&
    isTextOf(value.feature_version, 1, text) &&
    isListOf(value.values, featureValues, (entry) => entry === null || isFinite(entry)) &&
    isWithin(value.quality_score, 0, 100)
  );
}

function isHistoricalGame(value: unknown): boolean {
  return (
    isRecord(value) &&
    hasFields(value, 6) &&
    typeof value.game_date === 'string' &&
    isCalendarDate(value.game_date) &&
    isWithin(value.points, 0, Infinity) &&
    isWithin(value.minutes, 0, Infinity) &&
    isTextOf(value.opponent_team_abbr, 2, 4) &&
    (value.opponent_def_rating === null || isWithin(value.opponent_def_rating, 50, 200)) &&
    typeof value.is_home === 'boolean'
  );
}

function isInjury(value: unknown): boolean {
  return (
    value === null ||
    (isRecord(value) &&
      hasFields(value, 3) &&
      isTextOf(value.status, 0, text) &&
      isTextOrNull(value.reason, 200) &&
      isTextOf(value.checked_at, 0, 40))
  );
}

function isRequest(value: unknown): boolean {
  return (
    isRecord(value) &&
    hasFields(value, 15) &&
    typeof value.batch_id === 'string' &&
    BATCH_ID.test(value.batch_id) &&
    typeof value.player_lookup === 'string' &&
    PLAYER_LOOKUP.test(value.player_lookup) &&
    isTextOrNull(value.universal_player_id, text) &&
    isTextOf(value.game_id, 1, 64) &&
    typeof value.game_date === 'string' &&
    isCalendarDate(value.game_date) &&
    isTextOf(value.team_abbr, 2, 4) &&
    isTextOf(value.opponent_team_abbr, 2, 4) &&
    typeof value.is_home === 'boolean' &&
    isListOf(value.line_values, lines, (line) => isWithin(line, 0, 100)) &&
    LINE_SOURCES.has(value.line_source) &&
    isTextOrNull(value.sportsbook, text) &&
    typeof value.dataset_prefix === 'string' &&
    DATASET_PREFIX_PATTERN.test(value.dataset_prefix) &&
    isFeatures(value.features) &&
    isListOf(value.history, historyGames, isHistoricalGame) &&
    historyOrderProblem(value.history as Array<{ game_date: string }>, value.game_date) === null &&
    isInjury(value.injury)
  );
}

/**
 * True only for a message `PredictionMessageSchema` accepts and would hand back unchanged (every
 * field present, none it would drop or default), checked at a fraction of zod's cost: the worker
 * parses every request of every batch, cold in a fresh instance. False means "let the schema
 * decide": it refuses the message naming the field, or hands back what it accepts. The test probes
 * every field with values the schema refuses or changes.
 */
export function plainlyValidMessage(value: unknown): value is PredictionMessage {
  if (!isRecord(value)) return false;
  if (!Object.hasOwn(value, 'requests')) return isRequest(value);
  const requests = value.requests;
  return (
    hasFields(value, 1) &&
    Array.isArray(requests) &&
    requests.length >= 1 &&
    requests.length <= MAX_PLAYERS_PER_MESSAGE &&
    requests.every(isRequest) &&
    groupProblem(requests as Array<{ batch_id: string; player_lookup: string; game_date: string }>) === null &&
    requests.every((request) => request.dataset_prefix === requests[0].dataset_prefix)
  );
}
