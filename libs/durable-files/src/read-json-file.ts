import { readFileSync } from 'node:fs';

/** A state file that exists but cannot be read as JSON (torn by a crash, or damaged on disk). */
export class UnreadableFileError extends Error {
  override readonly name = 'UnreadableFileError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path} is unreadable (${reason}); move it aside or delete it`);
  }
}

/** Parses a JSON file; a missing file is the caller's ENOENT, an empty or invalid one an UnreadableFileError naming it. */
export function readJsonFile<T>(path: string): T {
  const text = readFileSync(path, 'utf8');
  if (text.trim() === '') throw new UnreadableFileError(path, 'empty');
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new UnreadableFileError(path, error instanceof Error ? error.message : String(error));
  }
}
