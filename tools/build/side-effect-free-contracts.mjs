import { join, sep } from 'node:path';

const NAME = 'side-effect-free-contracts';

/**
 * Declares `@props/contracts`'s modules free of side effects, as a package's `"sideEffects": false`
 * does (https://esbuild.github.io/api/#tree-shaking): they only build zod schemas and constants,
 * so a module none of whose exports an app uses is left out of its bundle. Without this, every
 * schema the lib's index re-exports (the coordinator's batch and status bodies too) would be built
 * at each service's start, since esbuild must keep a top-level call it cannot prove is pure.
 * @param {string} root the workspace root
 */
export function sideEffectFreeContractsPlugin(root) {
  const sources = join(root, 'libs', 'contracts', 'src') + sep;
  return {
    name: NAME,
    setup(build) {
      build.onResolve({ filter: /^(@props\/contracts|\.\/[\w-]+)$/ }, async (args) => {
        if (args.pluginData === NAME) return undefined;
        if (args.path.startsWith('.') && !args.importer.startsWith(sources)) return undefined;
        const resolved = await build.resolve(args.path, {
          importer: args.importer,
          resolveDir: args.resolveDir,
          kind: args.kind,
          pluginData: NAME,
        });
        if (resolved.errors.length > 0 || !resolved.path.startsWith(sources)) return undefined;
        return { ...resolved, sideEffects: false };
      });
    },
  };
}
