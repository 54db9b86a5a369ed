import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const defaultRoot = resolve(import.meta.dirname, '../..');

/** Every Nx project of the workspace, read from apps/* and libs/* project.json files. */
export function listProjects(root) {
  const projects = [];
  for (const kind of ['apps', 'libs']) {
    const folder = join(root, kind);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder).sort()) {
      const file = join(folder, name, 'project.json');
      if (!existsSync(file)) continue;
      const config = JSON.parse(readFileSync(file, 'utf8'));
      projects.push({ kind, folder: name, root: `${kind}/${name}`, file: `${kind}/${name}/project.json`, config });
    }
  }
  return projects;
}

/** Apps tagged `deployable` get a bundle, a Dockerfile and a boot check. */
export function deployableApps(root) {
  return listProjects(root)
    .filter((project) => project.kind === 'apps' && (project.config.tags ?? []).includes('deployable'))
    .map((project) => project.folder);
}
