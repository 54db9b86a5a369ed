import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

const SEVERITY_BY_LEVEL: Record<string, string> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Where lines go; stdout by default. Tests pass a stream to read the events back. */
  /** A stream, or a file descriptor (1 stdout, 2 stderr); stdout by default. */
  destination?: DestinationStream | 1 | 2;
}

/** pino's level number of `error`: from there on a line is an error report. */
const ERROR_LEVEL = 50;
const REPORTED_ERROR_EVENT = 'type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent';

/**
 * What Error Reporting needs to group an error line (its documented log format: the `@type` of a
 * ReportedErrorEvent, the service, and the stack in `stack_trace`), added to error and fatal lines.
 * https://cloud.google.com/error-reporting/docs/formatting-error-messages
 */
function errorReport(service: string, merged: Record<string, unknown>, level: number): Record<string, unknown> {
  if (level < ERROR_LEVEL) return {};
  const error = merged.err as { stack?: unknown } | undefined;
  const stack =
    typeof merged.stack === 'string' ? merged.stack : typeof error?.stack === 'string' ? error.stack : undefined;
  return {
    '@type': REPORTED_ERROR_EVENT,
    serviceContext: { service, version: process.env.PROPS_BUILD_VERSION ?? 'unknown' },
    ...(stack ? { stack_trace: stack } : {}),
  };
}

/**
 * JSON lines in Cloud Logging's shape: `severity`, `message`, `time`, plus stable fields; error
 * lines in the shape Error Reporting picks up. Alerts key on the `event` field, never on the message text.
 */
export function createLogger({ service, level = 'info', destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      messageKey: 'message',
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: (merged, level) => errorReport(service, merged as Record<string, unknown>, level),
      formatters: {
        level: (label) => ({ severity: SEVERITY_BY_LEVEL[label] ?? 'DEFAULT' }),
      },
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-api-key"]', '*.api_key', '*.token'],
        censor: '[redacted]',
      },
    },
    typeof destination === 'object' ? destination : pino.destination({ dest: destination ?? 1, sync: true }),
  );
}
