export interface BuildInfo {
  service: string;
  /** The workspace's package version. */
  version: string;
  commit: string;
  builtAt: string;
}

/**
 * The bundle build replaces these `process.env` reads with literals (esbuild `define`), so an image
 * reports the commit it was built from; run from sources they fall back to the environment.
 */
export function buildInfo(service: string): BuildInfo {
  return {
    service,
    version: process.env.PROPS_BUILD_VERSION ?? 'unknown',
    commit: process.env.PROPS_BUILD_COMMIT ?? 'unknown',
    builtAt: process.env.PROPS_BUILD_TIME ?? 'unknown',
  };
}
