import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { checkImages } from '../gate/check-images.mjs';
import { deployableApps } from '../gate/workspace.mjs';
import { median, timeToReady } from './process-timing.mjs';

/** The Node that production ran before this one (end of life 2026-04-30), for comparison only. */
const PREVIOUS_NODE = '20.20.2';

function nodeBinary(root, version) {
  try {
    const bin = execFileSync('sh', [join(root, 'tools/node/ensure-node.sh'), version], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return join(bin, 'node');
  } catch {
    return undefined;
  }
}

/**
 * The worker bundle's start-to-ready time against the same app run from its TypeScript sources,
 * the same bundle on the pinned Node against the previous one, and each image's container cold start.
 */
export async function benchServiceStartup(root, { rounds = 7 } = {}) {
  const bundle = [];
  const sources = [];
  const previous = [];
  const previousNode = nodeBinary(root, PREVIOUS_NODE);
  const worker = [join(root, 'dist/apps/worker/main.js')];
  for (let round = 0; round < rounds; round += 1) {
    bundle.push(await timeToReady(process.execPath, worker, { cwd: root, env: { PROPS_PUSH_AUTH: 'none' } }));
    sources.push(
      await timeToReady(process.execPath, ['--import', 'tsx', 'apps/worker/src/main.ts'], {
        cwd: root,
        env: { PROPS_PUSH_AUTH: 'none' },
      }),
    );
    if (previousNode)
      previous.push(await timeToReady(previousNode, worker, { cwd: root, env: { PROPS_PUSH_AUTH: 'none' } }));
  }
  const bundled = median(bundle);
  const fromSources = median(sources);
  const lines = [
    `worker start-to-ready, median of ${rounds} alternating runs (Node ${process.versions.node}):`,
    `  bundle (node dist/apps/worker/main.js)            ${bundled.toFixed(0).padStart(6)} ms`,
    `  sources (node --import tsx apps/worker/src/main.ts) ${fromSources.toFixed(0).padStart(6)} ms`,
    `  ratio sources / bundle                             ${(fromSources / bundled).toFixed(2).padStart(6)} x`,
  ];
  if (previousNode) {
    const onPrevious = median(previous);
    lines.push(
      `${`  the same bundle on Node ${PREVIOUS_NODE}`.padEnd(53)}${onPrevious.toFixed(0).padStart(6)} ms`,
      `${`  ratio Node ${PREVIOUS_NODE} / Node ${process.versions.node}`.padEnd(53)}${(onPrevious / bundled).toFixed(2).padStart(6)} x`,
    );
  } else {
    lines.push(`  Node ${PREVIOUS_NODE} could not be fetched for the comparison (npm registry unreachable)`);
  }
  if (spawnSync('docker', ['info'], { stdio: 'ignore' }).status !== 0) {
    lines.push('container cold start: no Docker daemon answers (npm run gate starts one), not measured');
    return lines;
  }
  const images = await checkImages(root, deployableApps(root));
  lines.push('container cold start (docker run to /health/ready, read-only root, gcp backend on the emulators):');
  for (const part of images.detail.split('; ')) lines.push(`  ${part}`);
  for (const found of images.violations)
    lines.push(`  FAILED ${found.rule} ${found.file}: ${found.message.split('\n')[0]}`);
  return lines;
}
