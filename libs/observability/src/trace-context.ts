/**
 * The Cloud Logging fields that tie a log line to the request's trace, from the headers Cloud Run
 * passes on: `traceparent` (W3C) or `X-Cloud-Trace-Context: TRACE_ID/SPAN_ID;o=1`. Empty when the
 * request carries neither or the project is unknown (the local runtime).
 * https://cloud.google.com/logging/docs/structured-logging#special-payload-fields
 */
export function traceFields(
  headers: Record<string, string | string[] | undefined>,
  projectId: string | undefined,
): Record<string, string | boolean> {
  if (!projectId) return {};
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const w3c = /^[\da-f]{2}-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})$/i.exec(header('traceparent') ?? '');
  if (w3c) return trace(projectId, w3c[1]!, w3c[2]!, (parseInt(w3c[3]!, 16) & 1) === 1);
  const cloud = /^([\da-f]{32})(?:\/(\d+))?(?:;o=([01]))?$/i.exec(header('x-cloud-trace-context') ?? '');
  if (cloud)
    return trace(
      projectId,
      cloud[1]!,
      cloud[2] ? BigInt(cloud[2]).toString(16).padStart(16, '0') : undefined,
      cloud[3] === '1',
    );
  return {};
}

function trace(
  projectId: string,
  traceId: string,
  spanId: string | undefined,
  sampled: boolean,
): Record<string, string | boolean> {
  return {
    'logging.googleapis.com/trace': `projects/${projectId}/traces/${traceId.toLowerCase()}`,
    ...(spanId ? { 'logging.googleapis.com/spanId': spanId.toLowerCase() } : {}),
    'logging.googleapis.com/trace_sampled': sampled,
  };
}
