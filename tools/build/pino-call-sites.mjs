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
    },
  };
}
