import { z } from 'zod';

/**
 * What went wrong, as a caller can act on it:
 * - invalid: the request itself is wrong (a field, a value); sending it again fails again;
 * - refused: the request is fine but conflicts with what is going on (a batch of the date is running);
 * - unprocessable: the request is fine but there is nothing to do for it (no games, no players);
 * - unavailable: a dependency cannot serve (a missing warehouse, an outdated schema); an operator fixes it;
 * - transient: a dependency is busy or slow; the same request later may succeed.
 */
export type ErrorKind = 'invalid' | 'refused' | 'unprocessable' | 'unavailable' | 'transient';

/** The HTTP status each kind answers with, in every service. */
export const HTTP_STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  refused: 409,
  unprocessable: 422,
  unavailable: 503,
  transient: 503,
};

/** Every error reply of every service: what went wrong for the caller, its stable code, and for an invalid request the field and the problem. */
export const ErrorBodySchema = z.object({
  error: z.string(),
  code: z.string(),
  field: z.string().optional(),
  problem: z.string().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/**
 * The base of every error the platform raises on purpose: a stable lowercase `code` callers and
 * alerts can match, and its `kind`. Its message is written for whoever called: it is answered as
 * it is, so it must not carry paths or secrets (put those in the log line).
 */
export class ServiceError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
  ) {
    super(message);
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
