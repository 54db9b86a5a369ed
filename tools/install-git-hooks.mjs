#!/usr/bin/env node
// `npm ci` runs this ("prepare"): points git at .githooks/ so the pre-commit gate runs. Outside a
// git checkout (an unpacked tarball, an image build) there is nothing to install.
import { spawnSync } from 'node:child_process';

const inside = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { encoding: 'utf8' });
if (inside.status === 0 && inside.stdout.trim() === 'true') {
  spawnSync('git', ['config', 'core.hooksPath', '.githooks'], { stdio: 'inherit' });
}
