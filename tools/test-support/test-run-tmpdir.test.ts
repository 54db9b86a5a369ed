import { existsSync, mkdtempSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';

describe("the test run's temporary folder", () => {
  it('holds what a test makes under tmpdir(), inside one folder of this run', () => {
    const made = mkdtempSync(join(tmpdir(), 'props-probe-'));
    expect(basename(dirname(made))).toMatch(/^props-test-run-/);
    expect(process.env.TMPDIR).toBe(dirname(made));
    expect(existsSync(made)).toBe(true);
  });
});
