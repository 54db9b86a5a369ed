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

/**
 * JSON lines in Cloud Logging's shape: `severity`, `message`, `time`, plus stable fields.
 * Alerts key on the `event` field, never on the message text.
 */
export function createLogger({ service, level = 'info', destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      messageKey: 'message',
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ severity: SEVERITY_BY_LEVEL[label] ?? 'DEFAULT' }),
      },
      redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', '*.api_key', '*.token'], censor: '[redacted]' },
    },
    typeof destination === 'object' ? destination : pino.destination({ dest: destination ?? 1, sync: true }),
  );
}
