import { readFile } from 'node:fs/promises';

/**
 * Built-ins fastify's lib/server.js requires when it is loaded but uses only for a server with TLS
 * or HTTP/2 options: `https` and `http2` (the services here listen on plain HTTP). Loading them
 * was about 6 ms of CPU of each worker start. The bundle requires each on its first use instead.
 * The build fails if a fastify upgrade changes a require or uses a member other than these.
 */
const LAZY = [
  { statement: "const https = require('node:https')", binding: 'https', members: ['createServer'] },
  {
    statement: "const http2 = require('node:http2')",
    binding: 'http2',
    members: ['createSecureServer', 'createServer'],
  },
];

/** What the code does with `binding` after requiring it (comments left out: JSDoc names `http2.Http2Server`). */
function usesOf(source, binding) {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const uses = [...code.matchAll(new RegExp(`(?<![\\w.:'"])${binding}\\b(\\.(\\w+)\\()?`, 'g'))];
  return [...new Set(uses.slice(1).map((use) => use[2] ?? '(not a member call)'))].sort();
}

function lazyBinding({ statement, binding, members }) {
  const module = statement.match(/require\('([^']+)'\)/)?.[1];
  const loaded = `loaded_${binding}`;
  return [
    `let ${loaded}`,
    `const ${binding} = {`,
    ...members.map((member) => `  ${member}: (...args) => (${loaded} ??= require('${module}')).${member}(...args),`),
    '}',
  ].join('\n');
}

export function fastifyLazyBuiltinsPlugin() {
  return {
    name: 'fastify-lazy-builtins',
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]fastify[\\/]lib[\\/]server\.js$/ }, async (args) => {
        let source = await readFile(args.path, 'utf8');
        for (const lazy of LAZY) {
          const uses = usesOf(source, lazy.binding);
          if (source.split(lazy.statement).length !== 2 || uses.join() !== lazy.members.join())
            throw new Error(
              `${args.path}: expected one "${lazy.statement}" and calls of ${lazy.binding}.${lazy.members.join('/')} only, found ${uses.join(', ')} (tools/build/fastify-lazy-builtins.mjs patches it); fastify changed, review the patch`,
            );
          source = source.replace(lazy.statement, lazyBinding(lazy));
        }
        return { contents: source, loader: 'js' };
      });
    },
  };
}
