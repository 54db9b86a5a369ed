export { PushEnvelopeSchema, type PushEnvelope } from './push-envelope-schema';
export {
  MalformedMessageError,
  toMalformedMessageError,
  decodePushEnvelope,
  encodePushEnvelope,
  LOGICAL_ID_ATTRIBUTE,
  type DecodedPush,
} from './push-envelope';
export { PredictionMessageSchema } from './prediction-message';
export { GameDateSchema, easternDate, isCalendarDate } from './game-date';
export {
  PredictionRequestSchema,
  PredictionRequestGroupSchema,
  historyOrderProblem,
  requestsOf,
  requestMessageId,
  requestGroupId,
  type PredictionRequest,
  type PredictionRequestGroup,
  type PredictionMessage,
  type HistoricalGame,
} from './prediction-request';
export {
  CompletionEventSchema,
  CompletionGroupEventSchema,
  CompletionMessageSchema,
  COMPLETION_SKIP_REASON_LIMIT,
  completionsOf,
  type CompletionEvent,
  type CompletionGroupEvent,
  type CompletionMessage,
} from './completion-event';
export { MAX_PLAYERS_PER_MESSAGE } from './one-or-group';
export { INVALID_FEATURES } from './invalid-features';
export { CheckStalledRequestSchema, type CheckStalledRequest } from './check-stalled-request';
export { StartBatchRequestSchema, unknownStartFields, type StartBatchRequest } from './start-batch-request';
export { PredictionRowSchema, type PredictionRow } from './prediction-row';
export { checkedPredictionRow } from './plainly-valid-row';
export {
  REJECTED_MESSAGES_TABLE,
  REJECTIONS_STORED_PER_BATCH,
  UNATTRIBUTED_REJECTIONS,
  rejectedMessage,
  rejectionBatchKey,
  type RecordOutcome,
  type RejectedMessage,
  type RejectedMessageStore,
} from './rejected-message';
export { DEFAULT_TOPICS } from './topics';
export { phase5CompletionMessage, type Phase5CompletionInput } from './phase5-completion';
export {
  BatchPhaseSchema,
  FeatureLoadSchema,
  ConsolidationSummarySchema,
  BatchStatusBodySchema,
  BatchListBodySchema,
  type BatchPhase,
  type FeatureLoad,
  type ConsolidationSummary,
  type BatchStatusBody,
  type BatchListBody,
} from './batch-status';
export { ReadinessBodySchema, type ReadinessBody, type ReadinessCheckReport } from './readiness-body';
export { ServiceError, isPermanentError, errorMessage } from './service-error';
export { ErrorBodySchema, type ErrorBody } from './error-body';
export { ERROR_CODES, type ErrorCode, type ErrorKind } from './error-codes';
export { SYSTEM_IDS, PRIMARY_SYSTEM, type SystemId } from './system-ids';
export {
  DATASET_PREFIX_PATTERN,
  DatasetPrefixError,
  DatasetPrefixSchema,
  validateDatasetPrefix,
} from './dataset-prefix';
