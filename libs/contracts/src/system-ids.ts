/** The seven prediction systems, by the `system_id` their rows carry (the original platform's ids). */
export const SYSTEM_IDS = {
  catboostV8: 'catboost_v8',
  xgboost: 'xgboost_v1',
  movingAverage: 'moving_average',
  zoneMatchup: 'zone_matchup_v1',
  similarity: 'similarity_balanced_v1',
  ensemble: 'ensemble_v1',
  ensembleV1_1: 'ensemble_v1_1',
} as const;
export type SystemId = (typeof SYSTEM_IDS)[keyof typeof SYSTEM_IDS];

/** The system the accuracy alert, the report's scatter and the run summary's edges follow. */
export const PRIMARY_SYSTEM = SYSTEM_IDS.catboostV8;
