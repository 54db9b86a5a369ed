const NAMESPACE = 'external-through-require';

/**
 * An `import` of an external CommonJS package (onnxruntime-node, on the worker's start path) makes
 * Node's ES loader resolve it through the package's exports and scan its source, and every file it
 * re-exports, for the names it exports
 * (https://nodejs.org/docs/latest-v24.x/api/esm.html#commonjs-namespaces): about 3-4 ms more than
 * a `require` of the same package. The bundle takes statically imported externals with `require`,
 * as its bundled CommonJS packages already do (an ES-only package would load the same way:
 * https://nodejs.org/docs/latest-v24.x/api/modules.html#loading-ecmascript-modules-using-require).
 * `import()` of an external (DuckDB, where a file is opened) is left as it is.
 * @param {string[]} externals the app's external packages (project.json "bundle.external")
 */
export function externalsThroughRequirePlugin(externals) {
  const escaped = externals.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const filter = new RegExp(`^(${escaped.join('|')})(/|$)`);
  return {
    name: NAMESPACE,
    setup(build) {
      if (externals.length === 0) return;
      build.onResolve({ filter }, (args) =>
        args.kind === 'import-statement' && args.namespace !== NAMESPACE
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
