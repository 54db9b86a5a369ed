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
export {
  CloudRunFrontEnd,
  PushTokenRelay,
  REMOVED_SIGNATURE,
  type CloudRunFrontEndOptions,
  type FrontEndExchange,
} from './local/cloud-run-front-end';
export { TestIdentityIssuer, type IdentityTokenRequest } from './local/test-identity-issuer';
export { MetadataServerStandIn } from './local/metadata-server';
export { DisabledApiEndpoint } from './local/disabled-api-endpoint';
export { DisabledGrpcEndpoint } from './local/disabled-grpc-endpoint';
