/**
 * The Pub/Sub topics of the original platform's production, which its other parts publish to and
 * subscribe on (docs/operations/cutover.md, "Topics and messages"). Each is configurable; these are the defaults.
 */
export const DEFAULT_TOPICS = {
  /** Coordinator → worker requests (push subscription `prediction-request-prod`); env PREDICTION_REQUEST_TOPIC. */
  predictionRequest: 'prediction-request-prod',
  /** Worker → coordinator completions (push subscription `prediction-ready-prod-sub`); env PUBSUB_READY_TOPIC. */
  predictionReady: 'prediction-ready-prod',
  /** Coordinator → phase-5-to-6 orchestrator, once a batch is consolidated; env PHASE5_COMPLETE_TOPIC. */
  predictionsComplete: 'nba-phase5-predictions-complete',
} as const;
