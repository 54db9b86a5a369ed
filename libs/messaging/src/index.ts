export { PublishError, type Publisher, type PublishOptions } from './publisher';
export { HttpPushPublisher, type HttpPushOptions } from './local/http-push-publisher';
export { PushDeliveryQueue, type DeadLetter, type PushDeliveryQueueOptions } from './local/push-delivery-queue';
export { PubSubPublisher } from './gcp/pubsub-publisher';
export {
  PUSH_ACK_STATUSES,
  acknowledgeRejection,
  type CapReached,
  type RecordOutcome,
  type RejectedMessageStore,
} from './rejected-message-store';
export { FileRejectedMessageStore } from './local/file-rejected-message-store';
export { FileOutboxPublisher } from './local/file-outbox-publisher';
