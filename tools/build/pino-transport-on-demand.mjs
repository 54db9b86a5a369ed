import { readFile } from 'node:fs/promises';

const STATEMENT = "const ThreadStream = require('thread-stream')";
const USE = 'new ThreadStream(';

/**
 * pino's lib/transport.js requires thread-stream (the worker thread a transport writes through)
 * when pino is loaded, but uses it only to build a transport, which no logger here has. Its
 * initialisation was on every start, and it requires `node:assert` for a check without a message
 * (so tools/build/lazy-assert.mjs cannot spare it). The bundle requires it where a transport is
 * built. The build fails if a pino upgrade changes the require or uses ThreadStream elsewhere.
 */
export function pinoTransportOnDemandPlugin() {
  return {
    name: 'pino-transport-on-demand',
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]pino[\\/]lib[\\/]transport\.js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const uses = source.match(/\bThreadStream\b/g)?.length ?? 0;
        if (source.split(STATEMENT).length !== 2 || source.split(USE).length !== 2 || uses !== 2)
          throw new Error(
            `${args.path}: expected "${STATEMENT}" and one "${USE}", no other use (tools/build/pino-transport-on-demand.mjs patches it); pino changed, review the patch`,
          );
        return {
          contents: source.replace(STATEMENT, '').replace(USE, "new (require('thread-stream'))("),
          loader: 'js',
        };
      });
    },
  };
}
