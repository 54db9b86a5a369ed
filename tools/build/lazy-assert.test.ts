// The build's check before it gives a package's file the lazy assert: only calls with a message.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

type LazyAssertModule = { assertUseProblems(source: string, binding: string): string[] };
const { assertUseProblems } = (await import(join(import.meta.dirname, 'lazy-assert.mjs'))) as LazyAssertModule;

const root = resolve(import.meta.dirname, '../..');
const REQUIRE = "const assert = require('node:assert')\n";

describe('assertUseProblems', () => {
  it.each([
    'sonic-boom/index.js',
    'fastify/lib/plugin-utils.js',
    'find-my-way/index.js',
    'find-my-way/lib/constrainer.js',
    'find-my-way/lib/strategies/accept-version.js',
    'find-my-way/lib/strategies/accept-host.js',
  ])('finds none in %s, which the bundle patches', (file) => {
    expect(assertUseProblems(readFileSync(join(root, 'node_modules', file), 'utf8'), 'assert')).toEqual([]);
  });

  it('counts the arguments of a multi-line call with strings, templates and nested calls as the code reads', () => {
    const source = `${REQUIRE}assert(\n  f(a, [b, c]) === 'x, y',\n  \`one, \${g(1, { k: 2 })} two\`\n)\nassert(ok, "a ) b")\n`;
    expect(assertUseProblems(source, 'assert')).toEqual([]);
  });

  it('names a call without a message, one with a third argument, and any other use', () => {
    const source = `${REQUIRE}assert(value)\nassert(value, 'message', extra)\nassert.strictEqual(a, b)\nconst check = assert\n`;
    expect(assertUseProblems(source, 'assert')).toEqual([
      expect.stringMatching(/^a call with 1 argument\(s\)/),
      expect.stringMatching(/^a call with 3 argument\(s\)/),
      '"assert.strictEqual(a, b)" is not a call',
      '"assert" is not a call',
    ]);
  });

  it('leaves comments and strings that mention the name alone', () => {
    const source = `${REQUIRE}// assert here is a comment\n/* assert(x) */\nconst text = 'assert'\nassert(x, 'm')\n`;
    expect(assertUseProblems(source, 'assert')).toEqual([]);
  });
});
