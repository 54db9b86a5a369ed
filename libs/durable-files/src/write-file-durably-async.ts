import { randomUUID } from 'node:crypto';
import { closeSync, fsync, openSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { basename, dirname, join } from 'node:path';

interface FolderFlush {
  /** The folder fsync in progress. */
  current?: Promise<void>;
  /** The one after it, shared by every rename that finished while `current` was running. */
  next?: Promise<void>;
}

const fsyncDescriptor = promisify(fsync);
const flushes = new Map<string, FolderFlush>();

/**
 * Opening and closing a folder wait for no disk, so only its fsync goes to the thread pool: one
 * hop there instead of three, each queued behind every file fsync already waiting (a batch's
 * staging queues hundreds).
 */
async function fsyncFolder(folder: string): Promise<void> {
  const descriptor = openSync(folder, 'r');
  try {
    await fsyncDescriptor(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Makes every rename into `folder` finished before this call durable. Group commit: renames that
 * finish while a folder fsync runs share the next one, so N concurrent writes into one folder
 * cost about two folder fsyncs, not N. A fsync only covers renames that completed before it
 * started, hence a waiter never joins the fsync already running.
 */
export function flushFolder(folder: string): Promise<void> {
  let flush = flushes.get(folder);
  if (!flush) {
    flush = {};
    flushes.set(folder, flush);
  }
  const state = flush;
  const start = (): Promise<void> => {
    const running = fsyncFolder(folder).finally(() => {
      if (state.current !== running) return;
      state.current = undefined;
      if (!state.next) flushes.delete(folder);
    });
    state.current = running;
    return running;
  };
  if (!state.current) return start();
  state.next ??= state.current
    .catch(() => undefined)
    .then(() => {
      state.next = undefined;
      return start();
    });
  return state.next;
}

/**
 * writeFileDurably without blocking the event loop: the same guarantees (the old or the new
 * content after a crash or power loss, never a torn file; resolved only once the content and the
 * rename are on disk), with the writes and fsyncs on libuv's thread pool and the folder's fsync
 * shared by the writes that land in it at the same time.
 */
export async function writeFileDurablyAsync(file: string, data: string): Promise<void> {
  const folder = dirname(file);
  const temporary = join(folder, `.${basename(file)}.${randomUUID()}.tmp`);
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await flushFolder(folder);
}
