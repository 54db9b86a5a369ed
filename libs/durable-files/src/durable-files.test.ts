import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnreadableFileError, readJsonFile, writeFileDurably, writeSmallFilesDurably } from './index';

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

  it('replaces small files whole, together, and leaves no temporary behind, nor on a failure', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'props-durable-'));
    const names = Array.from({ length: 16 }, (_, index) => `p${index}.ndjson`);
    await writeSmallFilesDurably(
      folder,
      names.map((name) => ({ name, data: `${name} first\n` })),
    );
    await writeSmallFilesDurably(
      folder,
      names.map((name) => ({ name, data: `${name} second\n` })),
    );
    expect(readdirSync(folder).sort()).toEqual([...names].sort());
    for (const name of names) expect(readFileSync(join(folder, name), 'utf8')).toBe(`${name} second\n`);
    // A rename that cannot land (the target is a folder) fails, and no temporary is left.
    const blocked = mkdtempSync(join(folder, 'blocked-'));
    writeFileSync(join(blocked, 'inside'), '');
    await expect(
      writeSmallFilesDurably(folder, [
        { name: 'p0.ndjson', data: 'p0 third\n' },
        { name: basename(blocked), data: 'x' },
      ]),
    ).rejects.toMatchObject({ code: expect.stringMatching(/EISDIR|ENOTEMPTY|EEXIST/) });
    expect(readdirSync(folder).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    await expect(
      writeSmallFilesDurably(join(folder, 'missing'), [{ name: 'p.ndjson', data: 'x' }]),
    ).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
