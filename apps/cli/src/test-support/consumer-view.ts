/**
 * The consumer view of the two tables the rest of the original platform reads, written down from
 * `original-consumer-contract.md` (§1.2 for player_prop_predictions, §2.1-2.2 for
 * prediction_accuracy): every column some consumer outside the prediction pipeline reads, the type
 * family it reads it as, and the meaning it assumes, as a check on one row. `number` covers
 * NUMERIC and FLOAT64 alike: consumers compare and round, never rely on the storage type.
 */
export type TypeFamily = 'string' | 'int' | 'number' | 'bool' | 'date' | 'timestamp' | 'json';

type Row = Record<string, unknown>;

export interface ConsumerColumn {
  column: string;
  family: TypeFamily;
  /** Who reads it (the contract's keys). */
  readers: string;
  meaning: string;
  /** The assumed meaning, checked on one written row; absent where any value of the type is right. */
  holds?: (row: Row) => boolean;
}

const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const near = (a: number | null, b: number | null, tolerance = 0.0051) =>
  a !== null && b !== null && Math.abs(a - b) <= tolerance;

export const PREDICTIONS_CONSUMER_VIEW: readonly ConsumerColumn[] = [
  {
    column: 'prediction_id',
    family: 'string',
    readers: 'BQ-grades, MON-dq, VIEW-perf, enrichment',
    meaning: 'unique per row',
    holds: (row) => typeof row.prediction_id === 'string' && row.prediction_id.length > 0,
  },
  {
    column: 'system_id',
    family: 'string',
    readers: 'almost every consumer',
    meaning: 'catboost_v8 is the production system',
    holds: (row) =>
      [
        'moving_average',
        'zone_matchup_v1',
        'similarity_balanced_v1',
        'xgboost_v1',
        'catboost_v8',
        'ensemble_v1',
        'ensemble_v1_1',
      ].includes(String(row.system_id)),
  },
  {
    column: 'prediction_version',
    family: 'int',
    readers: 'PUB-live',
    meaning: 'always 1',
    holds: (row) => num(row.prediction_version) === 1,
  },
  {
    column: 'player_lookup',
    family: 'string',
    readers: 'all',
    meaning: 'normalised lookup, join key',
    holds: (row) => /^[a-z0-9]+$/.test(String(row.player_lookup)),
  },
  {
    column: 'universal_player_id',
    family: 'string',
    readers: 'CF-phalert',
    meaning: 'counted DISTINCT as players predicted; NULL undercounts',
    holds: (row) => typeof row.universal_player_id === 'string' && row.universal_player_id.length > 0,
  },
  { column: 'game_date', family: 'date', readers: 'all', meaning: 'the ET game date (partition)' },
  {
    column: 'game_id',
    family: 'string',
    readers: 'PUB-pred, PUB-tonight-all, PUB-live, performance_summary',
    meaning: 'YYYYMMDD_AWAY_HOME',
    holds: (row) => /^\d{8}_[A-Z]{2,4}_[A-Z]{2,4}$/.test(String(row.game_id)),
  },
  {
    column: 'predicted_points',
    family: 'number',
    readers: 'PUB-*, BQ-grades, VIEW-valid, VAL',
    meaning: 'points, 0-80',
    holds: (row) => num(row.predicted_points)! >= 0 && num(row.predicted_points)! <= 80,
  },
  {
    column: 'confidence_score',
    family: 'number',
    readers: 'PUB-*, MON-*, VAL, grader',
    meaning: '0-1 for every system',
    holds: (row) => num(row.confidence_score)! >= 0 && num(row.confidence_score)! <= 1,
  },
  {
    column: 'recommendation',
    family: 'string',
    readers: 'PUB-pred, PUB-live, CF-dhs, MON-*',
    meaning: 'OVER, UNDER, PASS or NO_LINE',
    holds: (row) => ['OVER', 'UNDER', 'PASS', 'NO_LINE'].includes(String(row.recommendation)),
  },
  {
    column: 'has_prop_line',
    family: 'bool',
    readers: 'PUB-live, CF-phalert, VIEW-lineq, grader',
    meaning: 'TRUE means a real sportsbook line',
    holds: (row) => row.has_prop_line === (row.line_source === 'ACTUAL_PROP' && row.current_points_line !== null),
  },
  {
    column: 'current_points_line',
    family: 'number',
    readers: 'PUB-pred, PUB-tonight-*, PUB-live, MON-dq, grader',
    meaning: 'the line used; NULL means none',
    holds: (row) =>
      row.current_points_line === null || (num(row.current_points_line)! >= 0 && num(row.current_points_line)! !== 20),
  },
  {
    column: 'line_margin',
    family: 'number',
    readers: 'PUB-tonight-player (edge), VIEW-today',
    meaning: 'predicted_points - current_points_line, 2 dp',
    holds: (row) =>
      row.current_points_line === null
        ? row.line_margin === null
        : near(num(row.line_margin), num(row.predicted_points)! - num(row.current_points_line)!, 0.051),
  },
  {
    column: 'line_source',
    family: 'string',
    readers: 'PUB-live, VIEW-lineq, grader',
    meaning: 'ACTUAL_PROP, ESTIMATED_AVG, NEEDS_BOOTSTRAP (NO_LINE without a line)',
    holds: (row) => ['ACTUAL_PROP', 'ESTIMATED_AVG', 'NEEDS_BOOTSTRAP', 'NO_LINE'].includes(String(row.line_source)),
  },
  {
    column: 'line_source_api',
    family: 'string',
    readers: 'VIEW-lineq, enrichment',
    meaning: 'ODDS_API for a sportsbook line',
    holds: (row) => row.line_source_api === (row.has_prop_line ? 'ODDS_API' : null),
  },
  {
    column: 'sportsbook',
    family: 'string',
    readers: 'VIEW-lineq',
    meaning: 'upper-case book name',
    holds: (row) => row.sportsbook === null || String(row.sportsbook) === String(row.sportsbook).toUpperCase(),
  },
  {
    column: 'estimated_line_value',
    family: 'number',
    readers: 'grader, force_predictions.sh',
    meaning: 'set only for ESTIMATED_AVG',
    holds: (row) => (row.line_source === 'ESTIMATED_AVG') === (row.estimated_line_value !== null),
  },
  {
    column: 'pace_adjustment',
    family: 'number',
    readers: 'PUB-pred, PUB-tonight-player, grader',
    meaning: 'similarity system only',
    holds: (row) => row.system_id === 'similarity_balanced_v1' || row.pace_adjustment === null,
  },
  {
    column: 'similar_games_count',
    family: 'int',
    readers: 'PUB-pred, PUB-tonight-player, VIEW-today, grader',
    meaning: 'similarity system only',
    holds: (row) => (row.system_id === 'similarity_balanced_v1') === (row.similar_games_count !== null),
  },
  {
    column: 'key_factors',
    family: 'json',
    readers: 'VIEW-today',
    meaning: 'never written: NULL',
    holds: (row) => row.key_factors === null,
  },
  {
    column: 'is_actionable',
    family: 'bool',
    readers: 'CF-phalert, grader',
    meaning: 'FALSE only for the 0.88-0.90 confidence tier',
    holds: (row) => row.is_actionable === !(num(row.confidence_score)! >= 0.88 && num(row.confidence_score)! < 0.9),
  },
  {
    column: 'filter_reason',
    family: 'string',
    readers: 'grader',
    meaning: "'confidence_tier_88_90' or NULL",
    holds: (row) => row.filter_reason === (row.is_actionable ? null : 'confidence_tier_88_90'),
  },
  {
    column: 'scoring_tier',
    family: 'string',
    readers: 'ML-tier',
    meaning: 'live rows NULL (backfill only)',
    holds: (row) => row.scoring_tier === null,
  },
  {
    column: 'adjusted_points',
    family: 'number',
    readers: 'ML-tier',
    meaning: 'live rows NULL (backfill only)',
    holds: (row) => row.adjusted_points === null,
  },
  {
    column: 'model_version',
    family: 'string',
    readers: 'grader',
    meaning: 'every row carries one',
    holds: (row) => typeof row.model_version === 'string' && row.model_version.length > 0,
  },
  {
    column: 'is_active',
    family: 'bool',
    readers: 'PUB-live, PUB-status, CF-6, CF-heal, MON-*, VIEW-*, BQ-grades',
    meaning: 'TRUE on every current row',
    holds: (row) => row.is_active === true,
  },
  {
    column: 'created_at',
    family: 'timestamp',
    readers: 'PUB-tonight-all, MON-daily, MON-drift, SVC-galerts, VIEW-gaps',
    meaning: 'insert time, kept on re-runs',
    holds: (row) => row.created_at !== null,
  },
  {
    column: 'updated_at',
    family: 'timestamp',
    readers: 'PUB-live, check_morning_run',
    meaning: 'NULL on first insert, set when a re-run replaces the row',
  },
  {
    column: 'injury_status_at_prediction',
    family: 'string',
    readers: 'grader (void reasons)',
    meaning: 'upper-case status, or NULL',
    holds: (row) =>
      row.injury_status_at_prediction === null ||
      String(row.injury_status_at_prediction) === String(row.injury_status_at_prediction).toUpperCase(),
  },
  {
    column: 'injury_flag_at_prediction',
    family: 'bool',
    readers: 'grader',
    meaning: 'OUT, DOUBTFUL or QUESTIONABLE',
    holds: (row) =>
      row.injury_status_at_prediction === null
        ? row.injury_flag_at_prediction === null
        : row.injury_flag_at_prediction ===
          ['OUT', 'DOUBTFUL', 'QUESTIONABLE'].includes(String(row.injury_status_at_prediction)),
  },
  { column: 'injury_reason_at_prediction', family: 'string', readers: 'grader', meaning: 'report reason, or NULL' },
  {
    column: 'injury_checked_at',
    family: 'timestamp',
    readers: 'grader',
    meaning: 'when the status was read',
    holds: (row) => (row.injury_status_at_prediction === null) === (row.injury_checked_at === null),
  },
];

export const ACCURACY_CONSUMER_VIEW: readonly ConsumerColumn[] = [
  {
    column: 'player_lookup',
    family: 'string',
    readers: 'PUB-results, PUB-profile, streaks, coverage',
    meaning: 'join key',
  },
  {
    column: 'game_id',
    family: 'string',
    readers: 'PUB-pred, results, performance_summary',
    meaning: 'YYYYMMDD_AWAY_HOME',
    holds: (row) => /^\d{8}_[A-Z]{2,4}_[A-Z]{2,4}$/.test(String(row.game_id)),
  },
  { column: 'game_date', family: 'date', readers: 'all', meaning: 'the ET game date' },
  { column: 'system_id', family: 'string', readers: 'all', meaning: 'catboost_v8 is read by the exporters' },
  {
    column: 'team_abbr',
    family: 'string',
    readers: 'PUB-pred, results, profile, performance_summary',
    meaning: "the player's team",
    holds: (row) => /^[A-Z]{2,4}$/.test(String(row.team_abbr)),
  },
  {
    column: 'opponent_team_abbr',
    family: 'string',
    readers: 'PUB-pred, results, profile',
    meaning: 'the opponent',
    holds: (row) => /^[A-Z]{2,4}$/.test(String(row.opponent_team_abbr)) && row.opponent_team_abbr !== row.team_abbr,
  },
  { column: 'predicted_points', family: 'number', readers: 'best_bets, results, ML', meaning: 'points' },
  {
    column: 'actual_points',
    family: 'int',
    readers: 'best_bets, results, streaks, ML',
    meaning: 'box score points',
    holds: (row) => Number.isInteger(num(row.actual_points)),
  },
  {
    column: 'line_value',
    family: 'number',
    readers: 'best_bets, results, season',
    meaning: "the prediction's current_points_line, never 20.0",
    holds: (row) => num(row.line_value) !== null && num(row.line_value) !== 20,
  },
  {
    column: 'recommendation',
    family: 'string',
    readers: 'all exporters, aggregations',
    meaning: 'OVER, UNDER, PASS or NO_LINE',
  },
  {
    column: 'prediction_correct',
    family: 'bool',
    readers: 'all exporters, aggregations',
    meaning: '(actual > line) == OVER; NULL for PASS/NO_LINE or a push',
    holds: (row) => {
      const picked = row.recommendation === 'OVER' || row.recommendation === 'UNDER';
      const push = num(row.actual_points) === num(row.line_value);
      return !picked || push
        ? row.prediction_correct === null
        : row.prediction_correct ===
            (num(row.actual_points)! > num(row.line_value)! === (row.recommendation === 'OVER'));
    },
  },
  {
    column: 'confidence_score',
    family: 'number',
    readers: 'best_bets, results, aggregations',
    meaning: '0-1',
    holds: (row) => num(row.confidence_score)! >= 0 && num(row.confidence_score)! <= 1,
  },
  {
    column: 'absolute_error',
    family: 'number',
    readers: 'results, profile, aggregations',
    meaning: '|predicted - actual|',
    holds: (row) =>
      near(num(row.absolute_error), Math.abs(num(row.predicted_points)! - num(row.actual_points)!), 0.051),
  },
  {
    column: 'signed_error',
    family: 'number',
    readers: 'results, scoring_tier (sign convention)',
    meaning: 'predicted - actual: positive means over-predicted',
    holds: (row) => near(num(row.signed_error), num(row.predicted_points)! - num(row.actual_points)!, 0.051),
  },
  {
    column: 'within_3_points',
    family: 'bool',
    readers: 'results, aggregations',
    meaning: 'absolute_error <= 3',
    holds: (row) => row.within_3_points === num(row.absolute_error)! <= 3,
  },
  {
    column: 'within_5_points',
    family: 'bool',
    readers: 'results, aggregations',
    meaning: 'absolute_error <= 5',
    holds: (row) => row.within_5_points === num(row.absolute_error)! <= 5,
  },
  { column: 'minutes_played', family: 'number', readers: 'results', meaning: 'box score minutes' },
  {
    column: 'is_voided',
    family: 'bool',
    readers: 'daily_health_summary',
    meaning: '0 points and no minutes (DNP)',
    holds: (row) =>
      row.is_voided ===
      (num(row.actual_points) === 0 && (row.minutes_played === null || num(row.minutes_played) === 0)),
  },
  {
    column: 'void_reason',
    family: 'string',
    readers: 'daily_health_summary',
    meaning: 'dnp_injury_confirmed, dnp_late_scratch or dnp_unknown when voided',
    holds: (row) =>
      row.is_voided
        ? ['dnp_injury_confirmed', 'dnp_late_scratch', 'dnp_unknown'].includes(String(row.void_reason))
        : row.void_reason === null,
  },
  { column: 'is_actionable', family: 'bool', readers: 'shadow_performance_report', meaning: 'as the prediction' },
  { column: 'filter_reason', family: 'string', readers: 'shadow_performance_report', meaning: 'as the prediction' },
  {
    column: 'has_prop_line',
    family: 'bool',
    readers: 'shadow_performance_report, ML',
    meaning: 'graded rows have a real line: TRUE',
    holds: (row) => row.has_prop_line === true,
  },
  {
    column: 'graded_at',
    family: 'timestamp',
    readers: 'check-system-health',
    meaning: 'when graded',
    holds: (row) => row.graded_at !== null,
  },
];

/** The type family each warehouse type reads as. */
export function familyOfDuckdbType(type: string): TypeFamily | string {
  if (type === 'VARCHAR') return 'string';
  if (type === 'BIGINT' || type === 'INTEGER') return 'int';
  if (type === 'DOUBLE' || type.startsWith('DECIMAL')) return 'number';
  if (type === 'BOOLEAN') return 'bool';
  if (type === 'DATE') return 'date';
  if (type.startsWith('TIMESTAMP')) return 'timestamp';
  if (type === 'JSON') return 'json';
  return type;
}

export function familyOfBigQueryType(type: string): TypeFamily | string {
  return (
    (
      {
        STRING: 'string',
        INT64: 'int',
        NUMERIC: 'number',
        FLOAT64: 'number',
        BOOL: 'bool',
        DATE: 'date',
        TIMESTAMP: 'timestamp',
        JSON: 'json',
      } as Record<string, string>
    )[type] ?? type
  );
}
