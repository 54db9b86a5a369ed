/** The `google.rpc.ErrorInfo` of an answer (googleapis/googleapis google/rpc/error_details.proto). */
export interface ErrorInfo {
  reason: string;
  domain: string;
  metadata: Record<string, string>;
}

/**
 * What Google says, over REST and gRPC alike, when an API is disabled in the caller's project:
 * its message, and an ErrorInfo with reason SERVICE_DISABLED, domain googleapis.com and the
 * service and consumer in its metadata (https://cloud.google.com/apis/design/errors#error_info;
 * the reason and its example: googleapis/googleapis google/api/error_reason.proto, SERVICE_DISABLED).
 */
export function disabledApiAnswer(service: string, title: string, projectNumber: string) {
  const activationUrl = `https://console.developers.google.com/apis/api/${service}/overview?project=${projectNumber}`;
  const message = `${title} has not been used in project ${projectNumber} before or it is disabled. Enable it by visiting ${activationUrl} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`;
  const errorInfo: ErrorInfo = {
    reason: 'SERVICE_DISABLED',
    domain: 'googleapis.com',
    metadata: { service, consumer: `projects/${projectNumber}`, activationUrl, serviceTitle: title },
  };
  return { message, activationUrl, errorInfo };
}
