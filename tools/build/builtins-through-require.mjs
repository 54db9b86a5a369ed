import { EventEmitter } from 'node:events';
import { builtinModules, createRequire } from 'node:module';

const NAMESPACE = 'builtin-through-require';
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const require = createRequire(import.meta.url);

/**
 * An `import` of a Node built-in in an ES module makes Node build the module's ES facade, which
 * reads every export of the built-in (https://nodejs.org/docs/latest-v24.x/api/esm.html#builtin-modules:
 * named exports are synced from `module.exports`). Reading them runs the built-ins' lazy getters:
 * `node:fs`'s `ReadStream` loads all of fs's streams (about 10 ms of a worker start) although
 * nothing here uses them. The bundle takes built-ins with `require` instead (as its bundled
 * CommonJS packages already do), so only what the code uses is loaded, when it uses it.
 *
 * The importer still wraps what `require` returns with esbuild's `__toESM`, which copies every
 * own property of it, reading each one's descriptor: that materializes `node:util`'s lazy
 * properties (`parseArgs`, `diff`, `setTraceSigInt` load their modules, about 5 ms) and costs a
 * getter per export per importing file. A built-in whose exports are an object is therefore
 * handed over as an object that inherits them and owns none: `__toESM` copies nothing, and each
 * named export or property of the default export is read through the prototype when it is used.
 * A built-in that exports a function or class (`node:events`, `node:module`) or an emitter
 * (`node:process`) is left as it is.
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
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
        const builtin = `require(${JSON.stringify(args.path)})`;
        const exported = require(args.path);
        // An emitter (node:process) keeps its listeners in its own properties: one that inherits
        // them would keep listeners of its own that the real object never calls.
        const inheritsExports = typeof exported === 'object' && !(exported instanceof EventEmitter);
        return {
          contents: `module.exports = ${inheritsExports ? `Object.create(${builtin})` : builtin};`,
          loader: 'js',
        };
      });
    },
  };
}
