export interface PublishOptions {
  /** A caller-chosen id (a re-publish of the same work keeps its id, so staging is replaced, not added to). */
  messageId?: string;
}

/** Publishes one JSON payload to a topic; resolves with the message id once it is accepted. */
export interface Publisher {
  readonly name: string;
  publish(topic: string, payload: unknown, options?: PublishOptions): Promise<string>;
}

export class PublishError extends Error {
  override readonly name = 'PublishError';
}
