import { kindOf, type ErrorCode, type ErrorKind } from './error-codes';

/**
 * The base of every error the platform raises on purpose: a stable lowercase `code` from the
 * registry (ERROR_CODES), which callers and alerts can match, and the kind the registry gives it.
 * Its message is written for whoever called: it is answered as it is, so it must not carry paths
 * or secrets (put those in the log line).
 */
export class ServiceError extends Error {
  readonly kind: ErrorKind;
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.kind = kindOf(code);
  }

  /** What a remote caller is told; an error whose message names what callers must not see overrides it. */
  get publicMessage(): string {
    return this.message;
  }

  /** Fields a reply carries beside `error` and `code` (the field and the problem of an invalid request). */
  replyFields(): Record<string, string> {
    return {};
  }
}

/** True for an error no retry of the same call fixes (everything but a transient one). */
export function isPermanentError(error: unknown): boolean {
  return error instanceof ServiceError && error.kind !== 'transient';
}

/** What an error says, whatever was thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
