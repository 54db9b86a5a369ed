import type { BigQuery } from '@google-cloud/bigquery';
import type { PubSub } from '@google-cloud/pubsub';

/** The cheapest BigQuery call that proves the table answers: its metadata. */
export function bigQueryTableProbe(client: BigQuery, dataset: string, table: string): () => Promise<string> {
  return async () => {
    await client.dataset(dataset).table(table).getMetadata();
    return `${dataset}.${table} answers`;
  };
}

/** Proves Pub/Sub answers and the topic the service publishes to exists. */
export function pubSubTopicProbe(pubsub: PubSub, topic: string): () => Promise<string> {
  return async () => {
    const [exists] = await pubsub.topic(topic).exists();
    if (!exists) throw new Error(`topic ${topic} does not exist in project ${pubsub.projectId}`);
    return `topic ${topic} exists`;
  };
}
