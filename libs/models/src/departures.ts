import { SYSTEM_IDS } from '@props/contracts';
import { FEATURE_NAMES, type FeatureName } from '@props/feature-vector';

/**
 * One difference between a row of the original worker (najicham/nba-stats-scraper at 0c82ae50)
 * and ours for the same request. For `row_presence`, `original` and `ours` are booleans (true:
 * that side wrote a row for the system); for the other fields they are the stored values.
 */
export interface PredictionDifference {
  systemId: string;
  playerLookup: string;
  gameDate: string;
  field: 'predicted_points' | 'confidence_score' | 'recommendation' | 'row_presence';
  original: unknown;
  ours: unknown;
  /** The per-player request both sides were given (this project's PredictionRequest). */
  request: unknown;
}

/**
 * A decided difference from the original: what it did (with the file and line at 0c82ae50), what
 * we do, why, and a predicate that says whether a given difference is this departure's doing.
 * docs/models.md is the same table in prose, with the measured effect on recommendations.
 */
export interface Departure {
  id: string;
  systems: readonly string[] | 'all';
  original: string;
  ours: string;
  why: string;
  /** Where the original's behaviour is, as `path:line` at 0c82ae50. */
  source: string;
  explains(diff: PredictionDifference): boolean;
}

const ENSEMBLES = [SYSTEM_IDS.ensemble, SYSTEM_IDS.ensembleV1_1] as const;
const WORKER = 'predictions/worker';
const SYSTEMS_DIR = `${WORKER}/prediction_systems`;

interface RequestView {
  feature(name: FeatureName): number | null;
  lines: number[];
  lineSource: string | null;
  historyLength: number;
}

/** Reads the request loosely: a difference report may carry a request of an older shape. */
function view(request: unknown): RequestView | null {
  if (typeof request !== 'object' || request === null) return null;
  const candidate = request as {
    features?: { values?: unknown };
    line_values?: unknown;
    line_source?: unknown;
    history?: unknown;
  };
  const values = candidate.features?.values;
  if (!Array.isArray(values) || values.length !== FEATURE_NAMES.length) return null;
  return {
    feature: (name) => {
      const value: unknown = values[FEATURE_NAMES.indexOf(name)];
      return typeof value === 'number' ? value : null;
    },
    lines: Array.isArray(candidate.line_values)
      ? candidate.line_values.filter((line): line is number => typeof line === 'number')
      : [],
    lineSource: typeof candidate.line_source === 'string' ? candidate.line_source : null,
    historyLength: Array.isArray(candidate.history) ? candidate.history.length : 0,
  };
}

const isValueField = (diff: PredictionDifference) => diff.field !== 'row_presence';

/** The original's fatigue penalty (`fatigue_score` > 70 / > 50) and ours (< 30 / < 50). */
export function originalFatiguePenalty(fatigueScore: number, severe: number, mild: number): number {
  return fatigueScore > 70 ? severe : fatigueScore > 50 ? mild : 0;
}
function ourFatiguePenalty(fatigueScore: number, severe: number, mild: number): number {
  return fatigueScore < 30 ? severe : fatigueScore < 50 ? mild : 0;
}
const FATIGUE_STEPS: Record<string, readonly [number, number]> = {
  [SYSTEM_IDS.movingAverage]: [-2.5, -1.0],
  [SYSTEM_IDS.zoneMatchup]: [-1.5, -0.8],
};

/** The V8 inputs the original's worker never passed, and what its vector used instead. */
const CATBOOST_ORIGINAL_INPUTS: ReadonlyArray<readonly [FeatureName, 'season' | number]> = [
  ['vegas_points_line', 'season'],
  ['vegas_opening_line', 'season'],
  ['vegas_line_move', 0],
  ['has_vegas_line', 0],
  ['avg_points_vs_opponent', 'season'],
  ['games_vs_opponent', 0],
  ['ppm_avg_last_10', 0.4],
];
function catboostInputsDiffer(request: RequestView): boolean {
  const season = request.feature('points_avg_season') ?? 10;
  return CATBOOST_ORIGINAL_INPUTS.some(([name, used]) => {
    const stored = request.feature(name);
    return stored !== null && stored !== (used === 'season' ? season : used);
  });
}

export const DEPARTURES: readonly Departure[] = [
  {
    id: 'fatigue-sign',
    systems: [SYSTEM_IDS.movingAverage, SYSTEM_IDS.zoneMatchup, ...ENSEMBLES],
    original:
      'penalises fatigue_score > 70 (MA −2.5, ZM −1.5) and > 50 (MA −1.0, ZM −0.8): in the store a high score means well rested, so rested players lost points',
    ours: 'the same penalties below the mirrored thresholds 30 and 50 (tired players lose points)',
    why: 'a sign bug: the phase-4 processor writes 100 for fully rested (player_composite_factors_processor.py), and similarity already reads it that way',
    source: `${SYSTEMS_DIR}/moving_average_baseline.py:155; ${SYSTEMS_DIR}/zone_matchup_v1.py:315`,
    explains(diff) {
      const request = view(diff.request);
      const fatigue = request?.feature('fatigue_score');
      if (!request || fatigue === null || fatigue === undefined || !isValueField(diff)) return false;
      const steps = FATIGUE_STEPS[diff.systemId];
      if (!steps) {
        // The ensembles average MA and ZM: any change of either penalty moves them.
        return Object.values(FATIGUE_STEPS).some(
          ([severe, mild]) =>
            ourFatiguePenalty(fatigue, severe, mild) !== originalFatiguePenalty(fatigue, severe, mild),
        );
      }
      const [severe, mild] = steps;
      const shift = ourFatiguePenalty(fatigue, severe, mild) - originalFatiguePenalty(fatigue, severe, mild);
      if (shift === 0) return false;
      if (diff.field === 'recommendation') return true;
      if (diff.field !== 'predicted_points') return false;
      // Both sides round to one decimal; a clamp at 0 or 60 can absorb part of the shift.
      const moved = Number(diff.ours) - Number(diff.original);
      // The original's clamp too: its 0 (or 60) hid up to the whole shift (the golden suite: original 0, ours 2.3).
      const clampedOriginal =
        (Number(diff.original) === 0 && Number(diff.ours) <= shift + 0.11) ||
        (Number(diff.original) === 60 && Number(diff.ours) >= 60 + shift - 0.11);
      return Math.abs(moved - shift) <= 0.11 || Number(diff.ours) === 0 || Number(diff.ours) === 60 || clampedOriginal;
    },
  },
  {
    id: 'similarity-history-context',
    systems: [SYSTEM_IDS.similarity, ...ENSEMBLES],
    original:
      "each past game's context is constant or look-ahead: opponent tier always average, venue always home, days_rest the gap to the NEXT game, recent form from the games AFTER it; the current game's rest comes from the feature row",
    ours: "each past game's own context from what was known before it: the opponent's defensive rating that day, the rest since the previous game, its venue, the form over the five games before it; the current rest is the gap since the last game",
    why: 'look-ahead and constants make the match meaningless (a past game is matched on what happened after it); fixed when the system was ported',
    source: `${WORKER}/data_loaders.py:324-337`,
    explains(diff) {
      const request = view(diff.request);
      return request !== null && request.historyLength > 0;
    },
  },
  {
    id: 'catboost-v8-inputs',
    systems: [SYSTEM_IDS.catboostV8, ...ENSEMBLES],
    original:
      'the worker calls CatBoost V8 without its V8 inputs: vegas line/opening (season average), line move and has-line (0), points vs opponent (season average), games vs opponent (0), ppm_avg_last_10 (constant 0.4); minutes_avg_last_10 is read from the row',
    ours: 'the stored values of all 33 features, as the model was trained',
    why: 'a bug the maintainers fixed on 2026-01-29 (22eab32e, "21 days of bad predictions"); ppm_avg_last_10 = 0.4 accounts for almost all of the change',
    source: `${SYSTEMS_DIR}/catboost_v8.py:350-359; ${WORKER}/worker.py:1080`,
    explains(diff) {
      const request = view(diff.request);
      if (!request || !isValueField(diff) || !catboostInputsDiffer(request)) return false;
      // CatBoost's confidence reads only quality and spread, which the inputs do not change.
      return !(diff.systemId === SYSTEM_IDS.catboostV8 && diff.field === 'confidence_score');
    },
  },
  {
    id: 'xgboost-v1-real-model',
    systems: [SYSTEM_IDS.xgboost, SYSTEM_IDS.ensembleV1_1],
    original:
      "xgboost_v1 runs the mock model (a formula plus random noise) and its result is stored under the key 'catboost_v8', which CatBoost then overwrites: no xgboost_v1 row is ever written; ensemble_v1_1 still counts the mock's output (weight 0) in its confidence, agreement and votes",
    ours: 'xgboost_v1 rows from the real XGBoost model (models/, ONNX); ensemble_v1_1 counts that output the same way',
    why: 'the missing rows are a key typo and the mock is noise; a consumer needs neither',
    source: `${WORKER}/worker.py:1045`,
    explains(diff) {
      if (diff.systemId === SYSTEM_IDS.xgboost)
        return diff.field === 'row_presence' ? diff.original === false && diff.ours === true : false;
      // ensemble_v1_1 gives xgboost weight 0: only confidence and the votes can move.
      return diff.field === 'confidence_score' || diff.field === 'recommendation';
    },
  },
  {
    id: 'ensemble-too-few-components',
    systems: [...ENSEMBLES],
    original:
      "with fewer than two valid components the ensemble returns (0.0, 0.0, 'PASS') and the worker writes that row (predicted 0, UNDER against an estimated line)",
    ours: 'no row, and the skip is reported with its reason',
    why: 'a row predicting 0 points is not a prediction; the consumer would grade it',
    source: `${SYSTEMS_DIR}/ensemble_v1_1.py:235; ${SYSTEMS_DIR}/ensemble_v1.py:201`,
    explains: (diff) => diff.field === 'row_presence' && diff.original === true && diff.ours === false,
  },
  {
    id: 'line-quality-gate',
    systems: 'all',
    original:
      "validate_line_quality refuses the whole player (500, retried until the dead-letter queue) when any row's current_points_line is exactly 20.0 or its line_source is missing or NEEDS_BOOTSTRAP",
    ours: 'a real 20.0 line is predicted like any other; no request carries NEEDS_BOOTSTRAP or a made-up line (the coordinator drops such players at selection)',
    why: 'the gate guarded against a placeholder 20.0 the old coordinator wrote; ours never writes one, so the gate would only drop real 20.0 lines',
    source: `${WORKER}/worker.py:346-392 (applied at :518)`,
    explains(diff) {
      const request = view(diff.request);
      return (
        request !== null &&
        diff.field === 'row_presence' &&
        diff.original === false &&
        diff.ours === true &&
        (request.lines.includes(20) || request.lineSource === null || request.lineSource === 'NEEDS_BOOTSTRAP')
      );
    },
  },
  {
    id: 'component-rounding',
    systems: [SYSTEM_IDS.similarity, SYSTEM_IDS.catboostV8, ...ENSEMBLES],
    original:
      'similarity and CatBoost return round(pred, 2); the ensembles combine those, and the row rounds again to one decimal',
    ours: 'one rounding, to one decimal, of the unrounded value; the ensembles combine unrounded values',
    why: 'double rounding is an artefact, not a rule',
    source: `${SYSTEMS_DIR}/similarity_balanced_v1.py:108; ${SYSTEMS_DIR}/catboost_v8.py:295`,
    explains(diff) {
      if (diff.field === 'predicted_points') return Math.abs(Number(diff.ours) - Number(diff.original)) <= 0.1 + 1e-9;
      // An ensemble's confidence averages its components' (CatBoost's and similarity's were rounded).
      if (diff.field === 'confidence_score' && (ENSEMBLES as readonly string[]).includes(diff.systemId))
        return Math.abs(Number(diff.ours) - Number(diff.original)) <= 0.01 + 1e-9;
      return false;
    },
  },
  {
    id: 'invalid-features-permanent',
    systems: 'all',
    original:
      "invalid_features is not one of the worker's PERMANENT skip reasons: the request answers 500 and is retried until the dead-letter queue, with no completion event",
    ours: 'a permanent skip: 204, a completion event with skip_reason invalid_features, counted in the batch summary',
    why: 'a refused feature row does not change on retry',
    source: `${WORKER}/worker.py:747`,
    // Neither side writes a row for such a player: no row difference is this departure's doing.
    explains: () => false,
  },
  {
    id: 'filter-tier-on-stored-confidence',
    systems: 'all',
    original:
      'the 0.88-0.90 shadow filter reads the unrounded confidence while the row stores it at two decimals: 0.8795 is stored as 0.88 yet actionable, 0.8951 as 0.90 yet filtered',
    ours: 'the filter reads the stored two-decimal value, so confidence_score and is_actionable always agree',
    why: "consumers filter on the stored confidence_score (v_subset_performance's 0.88/0.90 tiers) and on is_actionable; they must not disagree",
    source: `${WORKER}/worker.py:1298`,
    // is_actionable is not a compared field: this departure explains no value difference.
    explains: () => false,
  },
  {
    id: 'model-version-names',
    systems: [SYSTEM_IDS.movingAverage, SYSTEM_IDS.zoneMatchup, SYSTEM_IDS.similarity, SYSTEM_IDS.catboostV8],
    original:
      "model_version 'v1' for moving_average, zone_matchup_v1 and similarity_balanced_v1; 'v8' for catboost_v8 whether the model or the fallback answered",
    ours: "'moving_average_v1', 'zone_matchup_v1', 'similarity_balanced_v1'; the served model's version for catboost_v8, and 'fallback_weighted_average_v1' for a fallback row",
    why: "a bare 'v1' does not say which system; a fallback row must say it is one",
    source: `${WORKER}/worker.py:1395-1460`,
    // model_version is not a compared field: this departure explains no value difference.
    explains: () => false,
  },
];

/** The departure that explains a difference, or undefined: an unexplained difference is a parity failure. */
export function explainDifference(diff: PredictionDifference): Departure | undefined {
  return DEPARTURES.find(
    (departure) =>
      (departure.systems === 'all' || departure.systems.includes(diff.systemId)) && departure.explains(diff),
  );
}
