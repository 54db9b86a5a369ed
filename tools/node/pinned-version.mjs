import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const workspaceRoot = resolve(import.meta.dirname, '../..');

/** The one Node version the project runs on: `.node-version` (an exact x.y.z). */
export function pinnedNodeVersion(root = workspaceRoot) {
  const text = readFileSync(join(root, '.node-version'), 'utf8').trim();
  if (!/^\d+\.\d+\.\d+$/.test(text))
    throw new Error(`.node-version must hold one exact version such as 24.22.3, found "${text}"`);
  return text;
}
