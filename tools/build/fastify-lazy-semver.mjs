import { readFile } from 'node:fs/promises';
import { onDemandRequire } from './fastify-on-demand.mjs';

/** The semver functions fastify's plugin-utils.js calls (checkVersion). */
const USED = ['coerce', 'gt', 'satisfies'];

/**
 * fastify's lib/plugin-utils.js requires all of `semver` when it is loaded, to check the fastify
 * version range a plugin may declare in its metadata. No plugin registered here declares one, and
 * loading semver (every class and function, and building its regular expressions) was the largest
 * part of initialising fastify in a profile of the worker's start. The bundle requires semver when
 * a version is first checked instead, from fastify-on-demand.js (tools/build/fastify-on-demand.mjs),
 * so a start does not even read its code. The build fails if a fastify upgrade changes the require or
 * calls a semver function other than these.
 */
export function fastifyLazySemverPlugin() {
  return {
    name: 'fastify-lazy-semver',
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]fastify[\\/]lib[\\/]plugin-utils\.js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const eager = "const semver = require('semver')";
        const called = [...new Set([...source.matchAll(/\bsemver\.(\w+)/g)].map((match) => match[1]))].sort();
        if (source.split(eager).length !== 2 || called.join() !== USED.join())
          throw new Error(
            `${args.path}: expected one "${eager}" and calls of semver.${USED.join('/')} only, found ${called.join(', ')} (tools/build/fastify-lazy-semver.mjs patches it); fastify changed, review the patch`,
          );
        const lazy = [
          'let loadedSemver',
          'const semver = {',
          ...USED.map(
            (name) => `  ${name}: (...args) => (loadedSemver ??= ${onDemandRequire('semver')}).${name}(...args),`,
          ),
          '}',
        ].join('\n');
        return { contents: source.replace(eager, lazy), loader: 'js' };
      });
    },
  };
}
