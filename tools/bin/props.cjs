#!/usr/bin/env node
// `npx props <command>`: runs the cli bundle. Builds the app bundles first when one is missing or
// older than the sources, so a fresh clone needs only `npm ci`.
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const apps = ['cli', 'coordinator', 'worker'];

function newestSourceTime() {
  let newest = 0;
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  for (const folder of ['apps', 'libs']) walk(path.join(root, folder));
  for (const file of ['package-lock.json', 'tsconfig.base.json'])
    newest = Math.max(newest, statSync(path.join(root, file)).mtimeMs);
  return newest;
}

const sourcesChanged = newestSourceTime();
const stale = apps.filter((app) => {
  const bundle = path.join(root, 'dist', 'apps', app, 'main.js');
  return !existsSync(bundle) || statSync(bundle).mtimeMs < sourcesChanged;
});
if (stale.length > 0) {
  process.stderr.write(`props: building ${stale.join(', ')} (missing or older than the sources)\n`);
  // The build reports on stderr: a command's standard output stays its own (`npx props verify ... | jq`).
  const build = spawnSync(process.execPath, [path.join(root, 'tools', 'build', 'build-app.mjs'), ...stale], {
    stdio: ['ignore', 2, 'inherit'],
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
process.env.PROPS_BUNDLES_DIR ??= path.join(root, 'dist', 'apps');
process.env.PROPS_REPOSITORY_ROOT ??= root;
require(path.join(root, 'dist', 'apps', 'cli', 'main.js'));
