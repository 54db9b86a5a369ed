import type { PubSub } from '@google-cloud/pubsub';
import { LOGICAL_ID_ATTRIBUTE, errorMessage } from '@props/contracts';
import { PublishError, type PublishOptions, type Publisher } from '../publisher';

/** Publishes JSON payloads to Pub/Sub topics; push subscriptions deliver them to the services. */
export class PubSubPublisher implements Publisher {
  readonly name = 'pubsub';

  constructor(private readonly pubsub: PubSub) {}

  async publish(topic: string, payload: unknown, options: PublishOptions = {}): Promise<string> {
    try {
      return await this.pubsub.topic(topic).publishMessage({
        json: payload,
        attributes: options.messageId ? { [LOGICAL_ID_ATTRIBUTE]: options.messageId } : {},
      });
    } catch (error) {
      throw new PublishError(`${topic}: Pub/Sub did not accept the message: ${errorMessage(error)}`);
    }
  }
}
