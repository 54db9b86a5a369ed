/**
 * Every structured `event` value the services emit. Alert policies (monitoring/) key on these,
 * so a rename here is a rename there.
 */
export const LogEvent = {
  serviceStarted: 'service_started',
  serviceStopping: 'service_stopping',
  predictionStaged: 'prediction_staged',
  buildCheckFailed: 'build_check_failed',
  readinessDegraded: 'readiness_degraded',
  messageRejected: 'message_rejected',
  /** A batch's rejected messages reached the most stored per batch; later ones are counted, not stored. */
  rejectedMessagesCapped: 'rejected_messages_capped',
  unexpectedStagingIgnored: 'unexpected_staging_ignored',
  stateFileUnreadable: 'state_file_unreadable',
  stagedMessageQuarantined: 'staged_message_quarantined',
  requestFailed: 'request_failed',
  startupFailed: 'startup_failed',
  modelUnavailable: 'model_unavailable',
  predictionFallback: 'prediction_fallback',
  stagingWriteFailed: 'staging_write_failed',
  completionPublishFailed: 'completion_publish_failed',
  consolidationFailed: 'consolidation_failed',
  consolidationCompleted: 'consolidation_completed',
  startRequested: 'start_requested',
  batchStarted: 'batch_started',
  batchSummary: 'batch_summary',
  phase5CompletionPublished: 'phase5_completion_published',
  phase5CompletionPublishFailed: 'phase5_completion_publish_failed',
  slateLoadFallback: 'slate_load_fallback',
  messageDeadLettered: 'message_dead_lettered',
  completionIgnored: 'completion_ignored',
  batchRepublished: 'batch_republished',
  batchSuperseded: 'batch_superseded',
  authRejected: 'auth_rejected',
  gradingCompleted: 'grading_completed',
  gradingSkipped: 'grading_skipped',
  gradingNoGames: 'grading_no_games',
  gradingAccuracyLow: 'grading_accuracy_low',
  modelVersionMissing: 'model_version_missing',
  coverageBelowThreshold: 'coverage_below_threshold',
  predictionsMissing: 'predictions_missing',
  verifyNoGames: 'verify_no_games',
  fallbackShareHigh: 'fallback_share_high',
  shadowUnexplainedDifferences: 'shadow_unexplained_differences',
  /** A player the original's validate_features refuses (quality floor, a missing or out-of-range feature): no rows. */
  invalidFeatures: 'invalid_features',
} as const;
export type LogEvent = (typeof LogEvent)[keyof typeof LogEvent];

/**
 * Events an operator must hear about: each has a log-based metric and an alert policy in
 * monitoring/ (tools/monitoring.test.ts fails when one is missing or names an event no code emits).
 */
export const ALERTABLE_EVENTS: readonly LogEvent[] = [
  LogEvent.startupFailed,
  LogEvent.readinessDegraded,
  LogEvent.slateLoadFallback,
  LogEvent.consolidationFailed,
  LogEvent.stagingWriteFailed,
  LogEvent.messageDeadLettered,
  LogEvent.messageRejected,
  LogEvent.rejectedMessagesCapped,
  LogEvent.unexpectedStagingIgnored,
  LogEvent.stateFileUnreadable,
  LogEvent.stagedMessageQuarantined,
  LogEvent.phase5CompletionPublishFailed,
  LogEvent.fallbackShareHigh,
  LogEvent.coverageBelowThreshold,
  LogEvent.predictionsMissing,
  LogEvent.modelVersionMissing,
  LogEvent.gradingCompleted,
  LogEvent.gradingAccuracyLow,
  LogEvent.shadowUnexplainedDifferences,
  LogEvent.invalidFeatures,
];
