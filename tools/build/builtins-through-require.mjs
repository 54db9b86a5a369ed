import { builtinModules } from 'node:module';

const NAMESPACE = 'builtin-through-require';
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/**
 * An `import` of a Node built-in in an ES module makes Node build the module's ES facade, which
 * reads every export of the built-in (https://nodejs.org/docs/latest-v24.x/api/esm.html#builtin-modules:
 * named exports are synced from `module.exports`). Reading them runs the built-ins' lazy getters:
 * `node:fs`'s `ReadStream` loads all of fs's streams (about 10 ms of a worker start) although
 * nothing here uses them. The bundle takes built-ins with `require` instead (as its bundled
 * CommonJS packages already do), so only what the code uses is loaded, when it uses it.
 */
export function builtinsThroughRequirePlugin() {
  return {
    name: NAMESPACE,
    setup(build) {
      build.onResolve({ filter: /^[a-z_:/]+$/ }, (args) =>
        args.kind === 'import-statement' && BUILTINS.has(args.path)
          ? { path: args.path, namespace: NAMESPACE }
          : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  };
}
