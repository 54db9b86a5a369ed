/**
 * Google's answer when an API is disabled in the project: PERMISSION_DENIED (HTTP 403, gRPC 7) with a
 * `google.rpc.ErrorInfo` detail whose reason is SERVICE_DISABLED and whose metadata names the
 * service and the consumer project (https://cloud.google.com/apis/design/errors#error_info; the
 * reason: googleapis/googleapis google/api/error_reason.proto). The REST clients (BigQuery, which
 * the CLI reads) keep the answer's body on the error (`response.body`).
 */
interface ErrorInfo {
  reason?: unknown;
  metadata?: Record<string, unknown>;
}

const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';

function parsed(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function restErrorInfo(error: unknown): ErrorInfo | undefined {
  const body = (error as { response?: { body?: unknown } } | null)?.response?.body;
  const details = (parsed(body) as { error?: { details?: unknown } } | undefined)?.error?.details;
  if (!Array.isArray(details)) return undefined;
  return details.find((detail) => (detail as { '@type'?: unknown })?.['@type'] === ERROR_INFO) as ErrorInfo;
}

/**
 * The gRPC clients (Firestore, through google-gax) get the same ErrorInfo inside the
 * `grpc-status-details-bin` trailer; google-gax's GoogleError.parseGRPCStatusDetails
 * (build/src/googleError.js) decodes it and promotes it to `reason`, `domain` and
 * `errorInfoMetadata` on the error (https://cloud.google.com/apis/design/errors#error_info).
 */
function gaxErrorInfo(error: unknown): ErrorInfo | undefined {
  const promoted = error as { reason?: unknown; errorInfoMetadata?: Record<string, unknown> } | null;
  if (typeof promoted?.reason !== 'string') return undefined;
  return { reason: promoted.reason, metadata: promoted.errorInfoMetadata };
}

/** A disabled API as one line naming it and how to enable it, or null for any other error. */
export function disabledApi(error: unknown): string | null {
  const info = restErrorInfo(error) ?? gaxErrorInfo(error);
  if (info?.reason !== 'SERVICE_DISABLED') return null;
  const service = String(info.metadata?.service ?? 'an API');
  const project = String(info.metadata?.consumer ?? 'the project').replace(/^projects\//, '');
  return `${service} is disabled in project ${project}: enable it with gcloud services enable ${service} --project ${project} (pulumi up of infra/ enables every API the environment uses)`;
}
