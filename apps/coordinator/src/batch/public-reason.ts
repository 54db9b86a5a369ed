import { ServiceError } from '@props/contracts';

/** What a caller is told about a failure: its kind, never a path or a driver's words (those are logged). */
export function publicReason(error: unknown): string {
  if (error instanceof ServiceError) return error.publicMessage;
  const name = error instanceof Error ? error.name : 'Error';
  return `${name}; the coordinator log (event consolidation_failed) has the details`;
}
