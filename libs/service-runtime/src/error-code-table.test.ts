import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '@props/contracts';
import { HTTP_STATUS_OF_KIND } from './http-status-of-kind';

const START = '<!-- error-codes:start -->';
const END = '<!-- error-codes:end -->';
const contributing = join(import.meta.dirname, '../../../CONTRIBUTING.md');

/** The table as the registry and the status mapping define it, one row per code in registry order. */
function renderedTable(): string {
  const rows = (Object.keys(ERROR_CODES) as ErrorCode[]).map((code) => {
    const { kind, description } = ERROR_CODES[code];
    return `| \`${code}\` | ${kind} | ${HTTP_STATUS_OF_KIND[kind]} | ${description} |`;
  });
  return ['| code | kind | status | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

/** The table CONTRIBUTING.md shows between its markers. */
function documentedTable(text: string): string {
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`CONTRIBUTING.md: no ${START} … ${END} block`);
  return text.slice(start + START.length, end).trim();
}

describe('the error-code table of CONTRIBUTING.md', () => {
  it('lists every code of the registry with its kind, status and meaning, and nothing else', () => {
    const documented = documentedTable(readFileSync(contributing, 'utf8'));
    const expected = renderedTable();
    const missing = Object.keys(ERROR_CODES).filter((code) => !documented.includes(`| \`${code}\` |`));
    expect(missing, 'codes missing from the table').toEqual([]);
    expect(documented, `replace the block between the markers with:\n${expected}\n`).toBe(expected);
  });

  it('reads the table between the markers only', () => {
    expect(documentedTable(`intro\n${START}\n| a |\n${END}\n| b |`)).toBe('| a |');
    expect(() => documentedTable('no table')).toThrow('no <!-- error-codes:start --> … <!-- error-codes:end --> block');
  });
});
