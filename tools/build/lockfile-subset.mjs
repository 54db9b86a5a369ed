/**
 * Cuts the workspace lockfile down to the closure of `rootDependencies`, keeping every resolved
 * version and integrity, so a bundle's folder installs exactly what the workspace tested with.
 */
export function lockfileSubset(workspaceLock, rootManifest, registry = 'https://registry.npmjs.org/') {
  const packages = workspaceLock.packages ?? {};
  const kept = {};
  const queue = Object.keys(rootManifest.dependencies ?? {}).map((name) => ({ name, from: '' }));
  for (let next = queue.shift(); next; next = queue.shift()) {
    const { name, from } = next;
    const location = resolveLocation(packages, from, name);
    if (!location) {
      throw new Error(`lockfile has no entry for ${name} (needed by ${from || 'the bundle'}); run npm install`);
    }
    if (kept[location]) continue;
    const entry = { ...packages[location] };
    delete entry.dev;
    delete entry.devOptional;
    delete entry.peer;
    // The workspace omits tarball addresses (omit-lockfile-registry-resolved); an offline
    // `npm ci` needs them to find each tarball in the cache by integrity without a packument.
    entry.resolved ??= tarballUrl(registry, location.slice(location.lastIndexOf('node_modules/') + 13), entry.version);
    kept[location] = entry;
    const needs = { ...(entry.dependencies ?? {}), ...(entry.optionalDependencies ?? {}) };
    for (const dependency of Object.keys(needs)) {
      if (resolveLocation(packages, location, dependency)) queue.push({ name: dependency, from: location });
      else if (!(entry.optionalDependencies ?? {})[dependency]) {
        throw new Error(`lockfile has no entry for ${dependency} (needed by ${location}); run npm install`);
      }
    }
  }
  return {
    name: rootManifest.name,
    version: rootManifest.version,
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: rootManifest.name, version: rootManifest.version, dependencies: rootManifest.dependencies },
      ...Object.fromEntries(
        Object.keys(kept)
          .sort()
          .map((location) => [location, kept[location]]),
      ),
    },
  };
}

/** Node's lookup: the nearest node_modules folder up from the requiring package. */
function resolveLocation(packages, from, name) {
  let base = from;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

function tarballUrl(registry, name, version) {
  const base = registry.endsWith('/') ? registry : `${registry}/`;
  const file = name.startsWith('@') ? name.split('/')[1] : name;
  return `${base}${name}/-/${file}-${version}.tgz`;
}
