import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import type { Identities } from './identities';
import type { EnvironmentNames } from './names';
import type { EnvironmentSettings } from './settings';

/** Pub/Sub keeps retrying a push that is not acknowledged; after 5 attempts it goes to the dead-letter topic. */
export const MAX_DELIVERY_ATTEMPTS = 5;
/** The worker may take up to its request timeout; the original's subscription used 300 s. */
export const ACK_DEADLINE_SECONDS = 300;

export interface Messaging {
  topics: Record<keyof EnvironmentNames['topics'], gcp.pubsub.Topic>;
}

export function declareTopics(settings: EnvironmentSettings, names: EnvironmentNames): Messaging {
  const topics = {} as Messaging['topics'];
  for (const [key, name] of Object.entries(names.topics) as Array<[keyof EnvironmentNames['topics'], string]>) {
    topics[key] = new gcp.pubsub.Topic(name, { name, project: settings.project, messageRetentionDuration: '604800s' });
  }
  return { topics };
}

/**
 * The push subscriptions: requests to the worker's /predict and completions to the coordinator's
 * /complete, each signed with the pusher's OIDC token for the audience the receiving service
 * checks, with the dead-letter topic after 5 attempts. The Pub/Sub service agent may publish to the
 * dead-letter topic, acknowledge on the source subscription and mint the pusher's tokens.
 */
export function declareSubscriptions(
  settings: EnvironmentSettings,
  names: EnvironmentNames,
  messaging: Messaging,
  identities: Identities,
  endpoints: { workerUrl: pulumi.Input<string>; coordinatorUrl: pulumi.Input<string> },
  projectNumber: pulumi.Input<string>,
): void {
  const agentMember = pulumi
    .output(projectNumber)
    .apply((number) => `serviceAccount:service-${number}@gcp-sa-pubsub.iam.gserviceaccount.com`);
  const push = (
    name: string,
    topic: gcp.pubsub.Topic,
    endpoint: pulumi.Input<string>,
    audience: string,
    deadLetter: gcp.pubsub.Topic,
  ) =>
    new gcp.pubsub.Subscription(name, {
      name,
      project: settings.project,
      topic: topic.id,
      ackDeadlineSeconds: ACK_DEADLINE_SECONDS,
      messageRetentionDuration: '604800s',
      pushConfig: {
        pushEndpoint: endpoint,
        oidcToken: { serviceAccountEmail: identities.accounts.pusher.email, audience },
      },
      deadLetterPolicy: {
        deadLetterTopic: deadLetter.id,
        maxDeliveryAttempts: MAX_DELIVERY_ATTEMPTS,
      },
      retryPolicy: { minimumBackoff: '10s', maximumBackoff: '600s' },
      expirationPolicy: { ttl: '' },
    });
  const requests = push(
    names.subscriptions.predictionRequest,
    messaging.topics.predictionRequest,
    pulumi.interpolate`${endpoints.workerUrl}/predict`,
    names.workerAudience,
    messaging.topics.requestDeadLetter,
  );
  const ready = push(
    names.subscriptions.predictionReady,
    messaging.topics.predictionReady,
    pulumi.interpolate`${endpoints.coordinatorUrl}/complete`,
    names.coordinatorAudience,
    messaging.topics.completionDeadLetter,
  );
  // Each dead-letter topic has a pull subscription that keeps what Pub/Sub gave up on for 7 days (an
  // alert policy pages on its backlog, monitoring.ts), and the service agent may publish to it
  // (https://cloud.google.com/pubsub/docs/handling-failures#grant_forwarding_permissions).
  for (const [subscription, topic] of [
    [names.subscriptions.requestDeadLetter, 'requestDeadLetter'],
    [names.subscriptions.completionDeadLetter, 'completionDeadLetter'],
  ] as const) {
    new gcp.pubsub.Subscription(subscription, {
      name: subscription,
      project: settings.project,
      topic: messaging.topics[topic].id,
      ackDeadlineSeconds: 60,
      messageRetentionDuration: '604800s',
      expirationPolicy: { ttl: '' },
    });
    new gcp.pubsub.TopicIAMMember(`${names.topics[topic]}-agent-publisher`, {
      project: settings.project,
      topic: messaging.topics[topic].name,
      role: 'roles/pubsub.publisher',
      member: agentMember,
    });
  }
  for (const [name, subscription] of [
    [names.subscriptions.predictionRequest, requests],
    [names.subscriptions.predictionReady, ready],
  ] as const) {
    new gcp.pubsub.SubscriptionIAMMember(`${name}-agent-subscriber`, {
      project: settings.project,
      subscription: subscription.name,
      role: 'roles/pubsub.subscriber',
      member: agentMember,
    });
  }
  new gcp.serviceaccount.IAMMember(`${names.account('pusher')}-agent-token-creator`, {
    serviceAccountId: identities.accounts.pusher.name,
    role: 'roles/iam.serviceAccountTokenCreator',
    member: agentMember,
  });
}
