/** Publishes one JSON payload to a topic; resolves with the message id once it is accepted. */
export interface Publisher {
  readonly name: string;
  publish(topic: string, payload: unknown): Promise<string>;
}

export class PublishError extends Error {
  override readonly name = 'PublishError';
}
