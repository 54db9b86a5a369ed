/** Help entries several commands share, so `--help` says the same thing everywhere. */
export const WAREHOUSE_OPTIONS = [
  ['--warehouse FILE', 'the local DuckDB warehouse (default $PROPS_DATA_DIR/warehouse.duckdb, var/warehouse.duckdb)'],
  [
    '--dataset-prefix P',
    "a test or backtest batch's datasets (P_nba_predictions, ...); default: $PROPS_DATASET_PREFIX, else production's",
  ],
] as const;

export const BACKEND_ENVIRONMENT = [
  ['PROPS_BACKEND', 'local (DuckDB, the default) or gcp (BigQuery, as the Cloud Run job)'],
  ['GCP_PROJECT_ID', 'the project, required with PROPS_BACKEND=gcp'],
  ['PROPS_BIGQUERY_LOCATION', "BigQuery's location (us-west2)"],
  ['PROPS_BIGQUERY_ENDPOINT', 'another BigQuery endpoint (an emulator)'],
  ['FIRESTORE_DATABASE', 'the Firestore database of locks and batch records ((default); staging has its own)'],
  ['PROPS_DATASET_PREFIX', "the environment's dataset prefix, the default of --dataset-prefix (staging)"],
  ['PROPS_DATA_DIR', 'where the local runtime keeps its files (var)'],
  ['PROPS_CLOUD_WAIT_SECONDS', "how long gcp waits for BigQuery's or Firestore's first answer before it gives up (30)"],
  ['PROPS_DEBUG', '1: print the stack trace under an error line'],
] as const;
