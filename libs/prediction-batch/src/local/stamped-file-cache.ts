import { statSync } from 'node:fs';

/**
 * Parsed files kept in memory, each re-read only when the file on disk changed. A file is known
 * unchanged by its stamp: inode, size and change times. Every state file is replaced by rename
 * (a new inode) and never edited in place, so a file written by another process is always seen.
 * The stamp is taken before the read, so a file replaced between the two is read again next time.
 */
export class StampedFileCache<T> {
  private readonly entries = new Map<string, { stamp: string; value: T }>();

  /**
   * `parse` reads and checks the file; what it throws is not cached (the next read tries again).
   * Past `limit` files the longest-cached is dropped, so a long-running coordinator stays bounded.
   */
  constructor(
    private readonly parse: (file: string) => T,
    private readonly limit = 20_000,
  ) {}

  /** The file's parsed content, or null when there is no such file. */
  read(file: string): T | null {
    const stats = statSync(file, { bigint: true, throwIfNoEntry: false });
    if (!stats) {
      this.entries.delete(file);
      return null;
    }
    const stamp = `${stats.ino}/${stats.size}/${stats.mtimeNs}/${stats.ctimeNs}`;
    const cached = this.entries.get(file);
    if (cached?.stamp === stamp) return cached.value;
    const value = this.parse(file);
    this.entries.delete(file);
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(file, { stamp, value });
    return value;
  }

  /** Drops the file's entry, so the next read parses it from disk whatever its stamp. */
  forget(file: string): void {
    this.entries.delete(file);
  }
}
