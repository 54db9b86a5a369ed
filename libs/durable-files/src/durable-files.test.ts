import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnreadableFileError, readJsonFile, writeFileDurably } from './index';

describe('durable state files', () => {
  it('replaces a file whole and leaves no temporary behind', () => {
    const folder = mkdtempSync(join(tmpdir(), 'props-durable-'));
    writeFileDurably(join(folder, 'batch.json'), '{"a":1}');
    writeFileDurably(join(folder, 'batch.json'), '{"a":2}');
    expect(readFileSync(join(folder, 'batch.json'), 'utf8')).toBe('{"a":2}');
    expect(readdirSync(folder)).toEqual(['batch.json']);
  });

  it('names a zero-length or torn file as unreadable, with its path', () => {
    const folder = mkdtempSync(join(tmpdir(), 'props-durable-'));
    writeFileSync(join(folder, 'empty.json'), '');
    writeFileSync(join(folder, 'torn.json'), '{"batch_id": "b');
    expect(() => readJsonFile(join(folder, 'empty.json'))).toThrow(
      new UnreadableFileError(join(folder, 'empty.json'), 'empty'),
    );
    expect(() => readJsonFile(join(folder, 'torn.json'))).toThrow(`${join(folder, 'torn.json')} is unreadable`);
  });
});
