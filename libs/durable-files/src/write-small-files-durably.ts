import { randomUUID } from 'node:crypto';
import { closeSync, fsync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { flushFolder } from './write-file-durably-async';

const fsyncFile = promisify(fsync);

/** One file of writeSmallFilesDurably: its name in the folder and its whole content. */
export interface SmallFile {
  name: string;
  data: string;
}

/**
 * Several small files (a message's staging, a few KB each) replaced in one folder with the
 * guarantees of writeFileDurablyAsync: the old or the new content of each after a crash or power
 * loss, never a torn file, resolved only once every content and rename is on disk. The opens,
 * writes, closes and renames wait for no disk and are done here on the event loop; creating a
 * file still costs kernel CPU (13-280 µs on a journal-less ext4 that skips recently freed inodes),
 * but moved to the thread pool or to a thread of its own it cost the batch more than it took off
 * the event loop (docs/performance.md, "The worker's staging, eighth pass"). Only the waits for
 * the disk go to the thread pool: the files' fsyncs side by side, then one folder fsync for all
 * of them (shared with other writes into the folder). Written one file at a time,
 * a message's renames landed one by one and waited on two or three folder fsyncs in a row, each
 * queued on the thread pool behind the file fsyncs of the later messages, so the first messages
 * of a batch completed only with the last ones.
 * When a file cannot be written or flushed, none is renamed; the temporaries are removed.
 */
export async function writeSmallFilesDurably(folder: string, files: readonly SmallFile[]): Promise<void> {
  const temporaries = files.map((file) => join(folder, `.${file.name}.${randomUUID()}.tmp`));
  const descriptors: number[] = [];
  try {
    try {
      for (const [index, file] of files.entries()) {
        descriptors.push(openSync(temporaries[index]!, 'w'));
        writeFileSync(descriptors.at(-1)!, file.data);
      }
      // Settled, not raced: a descriptor is closed only once no fsync of it is still running.
      const synced = await Promise.allSettled(descriptors.map((descriptor) => fsyncFile(descriptor)));
      const failed = synced.find((sync) => sync.status === 'rejected');
      if (failed) throw failed.reason;
    } finally {
      for (const descriptor of descriptors) closeSync(descriptor);
    }
    for (const [index, file] of files.entries()) renameSync(temporaries[index]!, join(folder, file.name));
  } catch (error) {
    for (const temporary of temporaries) rmSync(temporary, { force: true });
    throw error;
  }
  await flushFolder(folder);
}
