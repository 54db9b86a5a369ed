import { readFile } from 'node:fs/promises';

/**
 * pino looks up its caller's file for every logger it creates (pino.js calls lib/caller.js, which
 * calls `util.getCallSites()`, with no option to turn it off; the file names are only used to
 * resolve relative transport targets, which this workspace does not use). Under
 * `--enable-source-maps` (as the images once ran, and as a developer may still run a bundle),
 * `getCallSites()` maps every frame through the source map by default, so the first logger made
 * Node parse the bundle's whole map (about 18 MB) at start: about 0.4 s of CPU in each service. The bundle asks for the call sites unmapped instead
 * (`{ sourceMap: false }`, https://nodejs.org/docs/latest-v24.x/api/util.html#utilgetcallsitesframecount-options),
 * which also names the bundle file a transport path would be relative to. Error stacks are still
 * mapped, when they are formatted. The build fails if a pino upgrade changes the call.
 */
export function pinoCallSitesPlugin() {
  return {
    name: 'pino-unmapped-call-sites',
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]pino[\\/]lib[\\/]caller\.js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const call = 'getCallSites()';
        if (source.split(call).length !== 2)
          throw new Error(
            `${args.path}: expected exactly one '${call}' (tools/build/pino-call-sites.mjs patches it); pino changed, review the patch`,
          );
        return { contents: source.replace(call, 'getCallSites({ sourceMap: false })'), loader: 'js' };
      });
      build.onLoad({ filter: /[\\/]node_modules[\\/]pino[\\/]pino\.js$/ }, async (args) => ({
        contents: callersOnlyForTransports(args.path, await readFile(args.path, 'utf8')),
        loader: 'js',
      }));
    },
  };
}

/**
 * pino.js hands its callers' files to the argument normaliser, which uses them only to build a
 * transport (lib/tools.js: `transport({ caller, ...opts.transport })`). Capturing them made V8
 * work out source positions for the frames on the stack: about 6 ms of CPU at each service's
 * start, for a logger with no transport. The bundle captures them only when the options name a
 * transport, from the same frame as before (so the same files).
 */
function callersOnlyForTransports(path, source) {
  const call = 'normalize(instance, caller(), ...args)';
  // `caller` appears three times: `const caller = require('./lib/caller')` and the call.
  const uses = source.match(/\bcaller\b/g)?.length ?? 0;
  if (source.split(call).length !== 2 || uses !== 3)
    throw new Error(
      `${path}: expected "const caller = require('./lib/caller')" and one '${call}', no other use (tools/build/pino-call-sites.mjs patches it); pino changed, review the patch`,
    );
  return source.replace(call, 'normalize(instance, args[0]?.transport ? caller() : undefined, ...args)');
}
