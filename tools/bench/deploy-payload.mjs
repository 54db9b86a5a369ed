import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function folderBytes(folder) {
  let total = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    total += entry.isDirectory() ? folderBytes(path) : entry.isFile() ? statSync(path).size : 0;
  }
  return total;
}

/** The `rm -rf` paths of the Dockerfile's install step, so the measure follows the real recipe. */
function prunedPaths(root, app) {
  const dockerfile = readFileSync(join(root, 'docker', `${app}.Dockerfile`), 'utf8').replace(/\\\n/g, ' ');
  const removal = /rm -rf ([^&\n]+)/.exec(dockerfile);
  return removal?.[1] ? removal[1].trim().split(/\s+/) : [];
}

/** Each app's deploy payload: its bundle folder plus its installed externals, as the image has them. */
export function benchDeployPayload(root, apps) {
  const lines = ['deploy payload per app (bundle folder + installed externals, Dockerfile pruning applied):'];
  for (const app of apps) {
    const folder = mkdtempSync(join(tmpdir(), `props-payload-${app}-`));
    try {
      cpSync(join(root, 'dist', 'apps', app), folder, { recursive: true });
      const bundleBytes = folderBytes(folder);
      execFileSync('npm', ['ci', '--omit=dev', '--offline', '--no-audit', '--no-fund'], {
        cwd: folder,
        env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
        stdio: 'ignore',
      });
      const unpruned = folderBytes(join(folder, 'node_modules'));
      for (const path of prunedPaths(root, app)) rmSync(join(folder, path), { recursive: true, force: true });
      const externals = folderBytes(join(folder, 'node_modules'));
      const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1).padStart(7);
      lines.push(
        `  ${app.padEnd(12)} bundle ${mb(bundleBytes)} MB + externals ${mb(externals)} MB (unpruned ${mb(unpruned)} MB) = ${mb(bundleBytes + externals)} MB`,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }
  return lines;
}
