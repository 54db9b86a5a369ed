import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The output file (beside main.js) that holds what fastify and its router require only on demand. */
export const ON_DEMAND_ENTRY = 'fastify-on-demand';
const ON_DEMAND_FILE = `./${ON_DEMAND_ENTRY}.js`;
const NAMESPACE = 'fastify-on-demand';

/**
 * Packages fastify or find-my-way require only when a feature is used, but which esbuild puts into
 * the chunk every start reads and compiles (a `require` is bundled where it stands): the JSON-schema
 * compilers (ajv and fast-json-stringify, about 0.6 MB; the services validate with zod and pass
 * `zodOnlySchemaController()`), light-my-request (`app.inject`) and the regular-expression checker
 * for routes with a regex parameter (and semver, for fastify-lazy-semver.mjs). They go into an output file of their own, an entry point with
 * a fixed name that the rewritten code loads with `require` when the feature is first used
 * (Node loads an ES module synchronously with require: https://nodejs.org/docs/latest-v24.x/api/modules.html#loading-ecmascript-modules-using-require).
 */
const DEFERRED = [
  {
    file: /[\\/]node_modules[\\/]fastify[\\/]lib[\\/]schema-controller\.js$/,
    requires: ['@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler'],
  },
  { file: /[\\/]node_modules[\\/]fastify[\\/]fastify\.js$/, requires: ['light-my-request'] },
  { file: /[\\/]node_modules[\\/]find-my-way[\\/]index\.js$/, requires: ['safe-regex2'] },
];

/** Deferred by other plugins through `onDemandRequire` (tools/build/fastify-lazy-semver.mjs). */
const ALSO_ON_DEMAND = ['semver'];

/** The export of the on-demand entry that requires `name`. */
const loaderName = (name) => name.replace(/^@/, '').replace(/\W+(\w)/g, (_, letter) => letter.toUpperCase());

/** Code that requires `name` (one of ALSO_ON_DEMAND) from the on-demand file, for another plugin's rewrite. */
export function onDemandRequire(name) {
  if (!ALSO_ON_DEMAND.includes(name))
    throw new Error(`${name} is not in the on-demand file (tools/build/fastify-on-demand.mjs)`);
  return `require('${ON_DEMAND_FILE}').${loaderName(name)}()`;
}

/**
 * find-my-way checks three of its own regular expressions with safe-regex2 when it is loaded; the
 * build runs those checks instead (they are constants, so the answer cannot differ at run time)
 * and fails if one is not safe or the block changed.
 */
const OWN_REGEXP_CHECK =
  /\nif \(!isRegexSafe\((\w+_REGEXP)\)\) \{\n {2}throw new Error\('the \1 is not safe, update this module'\)\n\}\n/g;
const OWN_REGEXPS = ['OPTIONAL_PARAM_REGEXP', 'ESCAPE_REGEXP', 'REMOVE_DUPLICATE_SLASHES_REGEXP'];

function checkOwnRegexpsAtBuild(path, source) {
  const checked = [...source.matchAll(OWN_REGEXP_CHECK)].map((match) => match[1]);
  if (checked.join() !== OWN_REGEXPS.join())
    throw new Error(
      `${path}: expected load-time checks of ${OWN_REGEXPS.join(', ')}, found ${checked.join(', ') || 'none'} (tools/build/fastify-on-demand.mjs); find-my-way changed, review the patch`,
    );
  const isRegexSafe = createRequire(path)('safe-regex2');
  for (const name of OWN_REGEXPS) {
    const literal = source.match(new RegExp(`^const ${name} = (/.+/[a-z]*)$`, 'm'))?.[1];
    if (!literal || !isRegexSafe(new Function(`return ${literal}`)()))
      throw new Error(`${path}: ${name} is ${literal ? 'not safe' : 'not a literal'}; find-my-way changed`);
  }
  return source.replace(OWN_REGEXP_CHECK, '\n');
}

function rewrite(path, source, requires) {
  let rewritten = source;
  for (const name of requires) {
    const call = `require('${name}')`;
    if (rewritten.split(call).length !== 2)
      throw new Error(
        `${path}: expected exactly one ${call} (tools/build/fastify-on-demand.mjs defers it); the package changed, review the patch`,
      );
    rewritten = rewritten.replace(call, `require('${ON_DEMAND_FILE}').${loaderName(name)}()`);
  }
  if (requires.includes('safe-regex2')) {
    // Loaded where a route's regex parameter is checked, not when the router module loads.
    rewritten = checkOwnRegexpsAtBuild(path, rewritten).replace(
      `const isRegexSafe = require('${ON_DEMAND_FILE}').safeRegex2()`,
      `const isRegexSafe = (regex) => require('${ON_DEMAND_FILE}').safeRegex2()(regex)`,
    );
    if (!rewritten.includes('const isRegexSafe = (regex) =>'))
      throw new Error(`${path}: expected "const isRegexSafe = require('safe-regex2')"; find-my-way changed`);
  }
  return rewritten;
}

/**
 * The entry point to add to a build's `entryPoints` (under the name ON_DEMAND_ENTRY): a module
 * whose exports each require one deferred package, so loading the file initialises none of them.
 */
export function onDemandEntryPoint() {
  return `${NAMESPACE}:entry`;
}

/** @param {string} root the workspace root (fastify resolves from it) */
export function fastifyOnDemandPlugin(root) {
  const fastifyDir = dirname(createRequire(join(root, 'package.json')).resolve('fastify/package.json'));
  return {
    name: NAMESPACE,
    setup(build) {
      build.onResolve({ filter: /^fastify-on-demand:entry$/ }, (args) => ({ path: args.path, namespace: NAMESPACE }));
      // The entry resolves the packages from fastify's folder, where fastify itself finds them.
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, () => ({
        contents: [...DEFERRED.flatMap((deferred) => deferred.requires), ...ALSO_ON_DEMAND]
          .map((name) => `export const ${loaderName(name)} = () => require('${name}');`)
          .join('\n'),
        resolveDir: join(fastifyDir, 'lib'),
        loader: 'js',
      }));
      // The rewritten requires name the entry's output file, beside every chunk.
      build.onResolve({ filter: /^\.\/fastify-on-demand\.js$/ }, () => ({ path: ON_DEMAND_FILE, external: true }));
      for (const deferred of DEFERRED) {
        build.onLoad({ filter: deferred.file }, async (args) => ({
          contents: rewrite(args.path, await readFile(args.path, 'utf8'), deferred.requires),
          loader: 'js',
        }));
      }
    },
  };
}
