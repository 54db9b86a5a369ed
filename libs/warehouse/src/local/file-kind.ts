import { statSync } from 'node:fs';

/** What a path that exists but cannot hold a warehouse is (`a directory`, `a character device`), or null for a regular file or none. */
export function fileKind(path: string): string | null {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return null;
  }
  if (stats.isFile()) return null;
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}
