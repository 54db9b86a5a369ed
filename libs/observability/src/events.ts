/**
 * Every structured `event` value the services emit. Alert policies (monitoring/) key on these,
 * so a rename here is a rename there.
 */
export const LogEvent = {
  serviceStarted: 'service_started',
  selfCheckFailed: 'self_check_failed',
  readinessDegraded: 'readiness_degraded',
  configurationInvalid: 'configuration_invalid',
  messageRejected: 'message_rejected',
  startupFailed: 'startup_failed',
  modelUnavailable: 'model_unavailable',
  predictionFallback: 'prediction_fallback',
  stagingWriteFailed: 'staging_write_failed',
  completionPublishFailed: 'completion_publish_failed',
  consolidationFailed: 'consolidation_failed',
  consolidationCompleted: 'consolidation_completed',
  batchStarted: 'batch_started',
  batchSummary: 'batch_summary',
  slateLoadFallback: 'slate_load_fallback',
  messageDeadLettered: 'message_dead_lettered',
  completionIgnored: 'completion_ignored',
  batchRepublished: 'batch_republished',
  authRejected: 'auth_rejected',
} as const;
export type LogEvent = (typeof LogEvent)[keyof typeof LogEvent];
