export { PublishError, type Publisher } from './publisher';
export { HttpPushPublisher, type HttpPushOptions } from './local/http-push-publisher';
