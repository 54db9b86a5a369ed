import { DEFAULT_TOPICS } from '@props/contracts';
import type { EnvironmentSettings } from './settings';

/**
 * Every name of an environment. Production keeps the original platform's names (the callers and
 * the phase-6 orchestrator depend on them); staging adds a suffix, its own Firestore database and
 * its own datasets through the dataset prefix, so it never reads or writes production's.
 */
export function environmentNames(settings: Pick<EnvironmentSettings, 'environment'>) {
  const staging = settings.environment === 'staging';
  const suffix = staging ? '-staging' : '';
  const topic = (name: string) => (staging ? `${name.replace(/-prod$/, '')}-staging` : name);
  return {
    suffix,
    datasetPrefix: staging ? 'staging' : '',
    firestoreDatabase: staging ? 'staging' : '(default)',
    coordinator: `prediction-coordinator${suffix}`,
    worker: `prediction-worker${suffix}`,
    topics: {
      predictionRequest: topic(DEFAULT_TOPICS.predictionRequest),
      predictionReady: topic(DEFAULT_TOPICS.predictionReady),
      predictionsComplete: staging
        ? `${DEFAULT_TOPICS.predictionsComplete}-staging`
        : DEFAULT_TOPICS.predictionsComplete,
      requestDeadLetter: staging ? 'prediction-request-dlq-staging' : 'prediction-request-dlq',
      /** Completions Pub/Sub gave up on: apart from requests, so a re-publish of one never replays the other. */
      completionDeadLetter: staging ? 'prediction-ready-dlq-staging' : 'prediction-ready-dlq',
    },
    subscriptions: {
      /** The original names: the request subscription is named as its topic. */
      predictionRequest: topic(DEFAULT_TOPICS.predictionRequest),
      predictionReady: `${topic(DEFAULT_TOPICS.predictionReady)}-sub`,
      requestDeadLetter: staging ? 'prediction-request-dlq-sub-staging' : 'prediction-request-dlq-sub',
      completionDeadLetter: staging ? 'prediction-ready-dlq-sub-staging' : 'prediction-ready-dlq-sub',
    },
    apiKeySecret: `coordinator-api-key${suffix}`,
    /** The OIDC audience of pushes to the worker (a custom audience of the service: its URL is not known before it exists). */
    workerAudience: `https://prediction-worker${suffix}.props`,
    coordinatorAudience: `https://prediction-coordinator${suffix}.props`,
    job: (task: string) => `props-${task}${suffix}`,
    account: (role: string) => `props-${role}${suffix}`.slice(0, 30),
  };
}

export type EnvironmentNames = ReturnType<typeof environmentNames>;
