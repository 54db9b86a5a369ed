import { randomUUID } from 'node:crypto';
import { closeSync, fsync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { basename, dirname, join } from 'node:path';
import { flushFolder } from './write-file-durably-async';

const fsyncFile = promisify(fsync);

/**
 * writeFileDurablyAsync in two turns of the event loop instead of eight, for files of a few
 * kilobytes written many at a time (a batch's staging): the open, write, close and rename are
 * copies into the page cache, done here; only the waits for the disk, the file's fsync and the
 * folder's (shared as in writeFileDurablyAsync), go to the thread pool. The same guarantees: the
 * old or the new content after a crash or power loss, never a torn file, resolved only once the
 * content and the rename are on disk. A busy event loop (the worker predicting the next message)
 * delayed each of the eight turns, so a message's staging finished only after every message
 * in flight was predicted.
 */
export async function writeSmallFileDurably(file: string, data: string): Promise<void> {
  const folder = dirname(file);
  const temporary = join(folder, `.${basename(file)}.${randomUUID()}.tmp`);
  try {
    const descriptor = openSync(temporary, 'w');
    try {
      writeFileSync(descriptor, data);
      await fsyncFile(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  await flushFolder(folder);
}
