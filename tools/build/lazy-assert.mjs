import { readFileSync } from 'node:fs';

const NAMESPACE = 'lazy-assert';

/**
 * Packages on a service's start path that require `node:assert` when they are loaded, only to call
 * `assert(condition, message)` on their arguments (sonic-boom under pino, fastify's plugin checks,
 * find-my-way's route checks). Loading `node:assert` (with its AssertionError, diff and call
 * tracker modules) was about 3-4 ms of each start; no assertion fails in a working service. The
 * bundle gives these files a function that loads `node:assert` only when an assertion fails and
 * then throws what `node:assert` throws for the same arguments. The build fails if one of their
 * files uses `assert` other than as a call with a message (a call without one makes `node:assert`
 * quote the caller's source, which would then be this function's).
 */
const PACKAGES = /[\\/]node_modules[\\/](sonic-boom|fastify|find-my-way)[\\/](?!node_modules)/;

const SHIM = `module.exports = function assert(value, message) {
  if (!value) require('node:assert').ok(value, message);
};`;

/** Index of the `)` closing the call whose `(` is at `open`, and how many arguments it has. */
function callArguments(code, open) {
  let depth = 0;
  let count = 0;
  let quote = null;
  /** Open template literals, each with the brace depth its `${` started at. */
  const templates = [];
  for (let index = open; index < code.length; index += 1) {
    const char = code[index];
    if (quote) {
      if (char === '\\') index += 1;
      else if (quote === '`' && char === '$' && code[index + 1] === '{') {
        templates.push(depth);
        depth += 1;
        quote = null;
        index += 1;
      } else if (char === quote) quote = null;
    } else if (char === "'" || char === '"' || char === '`') quote = char;
    else if (char === '}' && templates.at(-1) === depth - 1) {
      depth -= 1;
      templates.pop();
      quote = '`';
    } else if ('([{'.includes(char)) depth += 1;
    else if (')]}'.includes(char)) {
      depth -= 1;
      if (depth === 0) return { close: index, count: count + (code.slice(open + 1, index).trim() ? 1 : 0) };
    } else if (char === ',' && depth === 1) count += 1;
  }
  throw new Error(`unterminated call at offset ${open}`);
}

/** The problems with how `file` uses `binding` (the name it requires node:assert as); none when it only calls it with a message. */
export function assertUseProblems(source, binding) {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const uses = [...code.matchAll(new RegExp(`(?<![\\w.$'"/:])${binding}\\b`, 'g'))];
  const problems = [];
  for (const use of uses) {
    const after = code.slice(use.index + binding.length);
    if (/^\s*=\s*require\(/.test(after)) continue;
    const open = after.match(/^\s*\(/);
    if (!open) {
      problems.push(`"${binding}${after.split('\n')[0]}" is not a call`);
      continue;
    }
    const { count } = callArguments(code, use.index + binding.length + open[0].length - 1);
    if (count !== 2) problems.push(`a call with ${count} argument(s) at offset ${use.index}`);
  }
  return problems;
}

export function lazyAssertPlugin() {
  return {
    name: NAMESPACE,
    setup(build) {
      build.onResolve({ filter: /^(node:)?assert$/ }, (args) => {
        if (args.kind !== 'require-call' || !PACKAGES.test(args.importer)) return undefined;
        const source = readFileSync(args.importer, 'utf8');
        const binding = source.match(/\bconst (\w+) = require\('(?:node:)?assert'\)/)?.[1];
        const problems = binding ? assertUseProblems(source, binding) : ['no "const <name> = require(\'assert\')"'];
        if (problems.length > 0)
          throw new Error(
            `${args.importer}: ${problems.join('; ')} (tools/build/lazy-assert.mjs gives this file an assert that loads node:assert only when it fails); the package changed, review the patch`,
          );
        return { path: 'assert', namespace: NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, () => ({ contents: SHIM, loader: 'js' }));
    },
  };
}
