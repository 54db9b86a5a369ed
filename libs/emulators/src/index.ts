export { startEmulator, emulatorUnavailable, EMULATORS, type EmulatorKind, type RunningEmulator } from './gcloud-emulator';
export { BigQueryRestEmulator, type BigQueryRestEmulatorOptions } from './local/bigquery-rest-emulator';
