export { PublishError, type Publisher, type PublishOptions } from './publisher';
export { HttpPushPublisher, type HttpPushOptions } from './local/http-push-publisher';
export { PushDeliveryQueue, type DeadLetter, type PushDeliveryQueueOptions } from './local/push-delivery-queue';
export { PubSubPublisher, LOGICAL_ID_ATTRIBUTE } from './gcp/pubsub-publisher';
