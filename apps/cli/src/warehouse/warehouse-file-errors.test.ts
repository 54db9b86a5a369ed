import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../../..');
const props = (...args: string[]) =>
  spawnSync(process.execPath, ['tools/bin/props.cjs', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, METADATA_SERVER_DETECTION: 'none', PROPS_BACKEND: 'local' },
  });

describe('a --warehouse that is no DuckDB warehouse (issue 25, item 11)', () => {
  it('is refused at once in one line naming the path and what it is, never blamed on another process', () => {
    const folder = mkdtempSync(join(tmpdir(), 'props-not-warehouse-'));
    const garbage = join(folder, 'garbage.duckdb');
    writeFileSync(garbage, 'torn '.repeat(4096));
    const inputs = [
      {
        args: ['backfill', '--from', '2025-03-15', '--to', '2025-03-15', '--warehouse', '/dev/null'],
        says: 'warehouse /dev/null cannot be opened: it is not a DuckDB file but a character device',
      },
      {
        args: ['verify', '--date', '2025-03-15', '--warehouse', folder],
        says: `warehouse ${folder} cannot be opened: it is not a DuckDB file but a directory`,
      },
      {
        args: ['verify', '--date', '2025-03-15', '--warehouse', garbage],
        says: `warehouse ${garbage} is damaged (truncated or corrupt:`,
      },
    ];
    const outcomes = inputs.map(({ args }) => {
      const run = props(...args);
      // props.cjs first rebuilds stale bundles and says so; the command's own output follows.
      const lines = run.stderr
        .trim()
        .split('\n')
        .filter((line) => !/^(props: building|built )/.test(line));
      return { args, status: run.status, lines };
    });
    for (const [index, outcome] of outcomes.entries()) {
      expect(outcome.status, outcome.lines.join('\n')).toBe(1);
      expect(outcome.lines).toHaveLength(1);
      expect(outcome.lines[0]).toContain(inputs[index]!.says);
      expect(outcome.lines[0]).not.toContain('another process');
    }
  }, 300_000);
});
