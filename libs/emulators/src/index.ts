export {
  startEmulator,
  emulatorUnavailable,
  EMULATORS,
  type EmulatorKind,
  type RunningEmulator,
} from './gcloud-emulator';
export {
  BigQueryRestEmulator,
  QUERY_LENGTH_LIMIT,
  type BigQueryRestEmulatorOptions,
} from './local/bigquery-rest-emulator';
