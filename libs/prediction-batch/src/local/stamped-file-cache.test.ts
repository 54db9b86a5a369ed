import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StampedFileCache } from './stamped-file-cache';

describe('a cache of parsed state files', () => {
  it('parses a file again only once it is replaced, and keeps at most its limit of files', () => {
    const folder = mkdtempSync(join(tmpdir(), 'props-stamped-'));
    const parsed: string[] = [];
    const cache = new StampedFileCache((file) => {
      parsed.push(file);
      return JSON.parse(readFileSync(file, 'utf8')) as { n: number };
    }, 2);
    const [a, b, c] = ['a', 'b', 'c'].map((name) => join(folder, `${name}.json`));
    for (const file of [a!, b!, c!]) writeFileSync(file, '{"n":1}');
    expect(cache.read(a!)).toEqual({ n: 1 });
    expect(cache.read(a!)).toEqual({ n: 1 });
    expect(parsed).toEqual([a]);
    writeFileSync(join(folder, 'next'), '{"n":2}');
    renameSync(join(folder, 'next'), a!);
    expect(cache.read(a!)).toEqual({ n: 2 });
    cache.read(b!);
    cache.read(c!);
    cache.read(b!);
    // a was the longest cached when c came in: it is parsed again, b (still cached) is not.
    cache.read(a!);
    expect(parsed).toEqual([a, a, b, c, a]);
    expect(cache.read(join(folder, 'missing.json'))).toBeNull();
  });
});
