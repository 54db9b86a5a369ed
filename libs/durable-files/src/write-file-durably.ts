import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `file` with `data` so that a crash or power loss leaves the old or the new content,
 * never a torn or empty file: written to a temporary name in the same folder, flushed (fsync),
 * renamed over the target, and the folder flushed so the rename itself survives.
 */
export function writeFileDurably(file: string, data: string): void {
  const folder = dirname(file);
  const temporary = join(folder, `.${basename(file)}.${randomUUID()}.tmp`);
  try {
    const handle = openSync(temporary, 'w');
    try {
      writeSync(handle, data);
      fsyncSync(handle);
    } finally {
      closeSync(handle);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  const directory = openSync(folder, 'r');
  try {
    fsyncSync(directory);
  } finally {
    closeSync(directory);
  }
}
