export { startEmulator, emulatorUnavailable, EMULATORS, type EmulatorKind, type RunningEmulator } from './gcloud-emulator';
