/**
 * What went wrong, as a caller can act on it:
 * - invalid: the request itself is wrong (a field, a value); sending it again fails again;
 * - unauthenticated: the caller did not prove who it is (no or a wrong API key, an OIDC token not accepted);
 * - not_found: what the request names does not exist;
 * - refused: the request is fine but conflicts with what is going on (a batch of the date is running);
 * - unprocessable: the request is fine but there is nothing to do for it (no games, no players);
 * - unavailable: a dependency cannot serve (a missing warehouse, an outdated schema); an operator fixes it;
 * - transient: a dependency is busy or slow; the same request later may succeed;
 * - internal: a fault of the service itself; the log has the details.
 * Each service maps kinds to HTTP statuses in one place (`@props/service-runtime`).
 */
export type ErrorKind =
  'invalid' | 'unauthenticated' | 'not_found' | 'refused' | 'unprocessable' | 'unavailable' | 'transient' | 'internal';

interface ErrorCodeDefinition {
  kind: ErrorKind;
  /** One line for the error-code table of CONTRIBUTING.md (a test holds the two together). */
  description: string;
}

/**
 * Every stable error code the platform answers or prints: callers and alerts match on these, so a
 * code is added here, never renamed.
 */
export const ERROR_CODES = {
  invalid_request: {
    kind: 'invalid',
    description: 'a request or push message field is wrong; the reply names the `field` and the `problem`',
  },
  bad_request: { kind: 'invalid', description: 'the HTTP request itself is unreadable (not JSON, too large)' },
  invalid_dataset_prefix: {
    kind: 'invalid',
    description: 'a `dataset_prefix` that is not a valid dataset name prefix',
  },
  dataset_prefix_not_served: {
    kind: 'invalid',
    description: "a `/start` prefix other than this environment's PROPS_DATASET_PREFIX",
  },
  invalid_configuration: { kind: 'invalid', description: 'an environment variable is missing or malformed' },
  invalid_row: { kind: 'invalid', description: "a row that does not fit its table's columns" },
  invalid_sample_data: { kind: 'invalid', description: 'a sample data file the season cannot read' },
  shadow_input: { kind: 'invalid', description: '`props shadow` was given a date or prefix it cannot compare' },
  report_unwritable: { kind: 'invalid', description: 'the `props report` destination cannot be written' },
  bad_cloud_wait: { kind: 'invalid', description: 'PROPS_CLOUD_WAIT_SECONDS is not 1-600 seconds' },
  unauthorized: {
    kind: 'unauthenticated',
    description: 'no or a wrong `x-api-key`, or an OIDC bearer token that is not accepted',
  },
  no_such_batch: { kind: 'not_found', description: '`/status/<id>` names no batch' },
  already_running: {
    kind: 'refused',
    description: 'a batch of the date is running; send `force: true` to start anyway',
  },
  migration_refused: { kind: 'refused', description: '`props warehouse migrate` would lose data; nothing was changed' },
  no_players: { kind: 'unprocessable', description: 'the date has games but no player to predict' },
  no_eligible_players: { kind: 'unprocessable', description: 'every player of the date was filtered out' },
  no_games_on_date: { kind: 'unprocessable', description: 'the schedule has no game on the date' },
  unknown_game_date: { kind: 'unprocessable', description: 'the date is outside the warehouse schedule' },
  warehouse_missing: { kind: 'unavailable', description: 'the local warehouse file does not exist' },
  warehouse_schema_outdated: {
    kind: 'unavailable',
    description: 'the warehouse schema is older or newer than this build',
  },
  warehouse_unavailable: { kind: 'unavailable', description: 'the warehouse cannot be opened' },
  warehouse_damaged: {
    kind: 'unavailable',
    description: 'the warehouse file is truncated or corrupt; no retry helps, an operator restores it',
  },
  prefixed_datasets_missing: { kind: 'unprocessable', description: "the dataset prefix's tables do not exist" },
  no_workers: { kind: 'unavailable', description: 'no worker endpoint is configured (PROPS_WORKER_URLS)' },
  model_artifact_unavailable: {
    kind: 'unavailable',
    description: 'a model file is missing or fails its manifest hash',
  },
  report_upload_failed: { kind: 'unavailable', description: 'the report page could not be written to Cloud Storage' },
  cloud_unreachable: { kind: 'unavailable', description: 'a Google Cloud API did not answer in time' },
  api_disabled: { kind: 'unavailable', description: 'a Google Cloud API the command needs is disabled in the project' },
  warehouse_busy: { kind: 'transient', description: 'another process has the local warehouse open; retry' },
  lock_busy: { kind: 'transient', description: 'the distributed lock of the date is held by another holder; retry' },
  staging_failed: { kind: 'transient', description: "a message's rows could not be staged; Pub/Sub redelivers it" },
  completion_publish_failed: {
    kind: 'transient',
    description: 'the completion event could not be published; Pub/Sub redelivers the message',
  },
  rejection_not_recorded: {
    kind: 'transient',
    description: 'a rejected push message could not be recorded; Pub/Sub redelivers it',
  },
  internal_error: { kind: 'internal', description: 'an unexpected failure; the service log has the details' },
} as const satisfies Record<string, ErrorCodeDefinition>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The kind of a code, as the registry defines it. */
export function kindOf(code: ErrorCode): ErrorKind {
  return ERROR_CODES[code].kind;
}
