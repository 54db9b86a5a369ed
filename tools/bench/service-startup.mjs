import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageEnvironment, parseDockerfile } from '../gate/check-dockerfiles.mjs';
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
 * The options the image's command gives node before main.js (`CMD ["node", ..., "main.js"]`, the
 * exec form's JSON array): V8 options NODE_OPTIONS does not accept.
 */
export function imageNodeArguments(root, app) {
  const instructions = parseDockerfile(readFileSync(join(root, 'docker', `${app}.Dockerfile`), 'utf8'));
  const command = instructions.filter((i) => i.keyword === 'CMD').at(-1);
  const words = command ? JSON.parse(command.args) : [];
  return words[0] === 'node' ? words.slice(1, words.indexOf('main.js')) : [];
}

const stats = (values) => ({ min: Math.min(...values), median: median(values) });

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux x86-64). */
const TICKS_PER_SECOND = 100;

/**
 * CPU milliseconds (user + system, every thread) a process has used, from /proc/<pid>/stat fields
 * 14 and 15 (https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html). On a busy machine the
 * CPU a start needs moves far less than its wall-clock time, which waits for the other processes.
 */
function cpuMilliseconds(pid) {
  // The fields after the command name, which is in parentheses and may contain spaces.
  const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}
const ms = (value) => `${value.toFixed(0).padStart(6)} ms`;
const row = (label, measured, floor) =>
  `  ${label.padEnd(44)} min ${ms(measured.min)}  median ${ms(measured.median)}` +
  (floor
    ? `   ratio min ${(measured.min / floor.min).toFixed(2)} x, median ${(measured.median / floor.median).toFixed(2)} x`
    : '');

/**
 * The worker bundle's start-to-ready time beside its floor (tools/bench/startup-floor.cjs:
 * onnxruntime-node, the two inference sessions, an HTTP listener), interleaved round by round:
 * the bundle as `node main.js`, the bundle as the image runs it (the environment
 * docker/worker.Dockerfile sets, its NODE_OPTIONS included, with a compile cache filled by
 * --build-check as the Dockerfile does), the app from its TypeScript sources, and the same bundle
 * on the previous Node. The floor runs once plain and once with the image's NODE_OPTIONS and
 * NODE_ENV. Then each image's container cold start.
 */
export async function benchServiceStartup(root, { rounds = 7 } = {}) {
  const previousNode = nodeBinary(root, PREVIOUS_NODE);
  const worker = join(root, 'dist/apps/worker');
  const env = { PROPS_PUSH_AUTH: 'none', NODE_OPTIONS: '' };
  const cache = mkdtempSync(join(tmpdir(), 'props-bench-compile-cache-'));
  const data = mkdtempSync(join(tmpdir(), 'props-bench-data-'));
  const image = imageEnvironment(root, 'worker');
  const imageNodeOptions = image.NODE_OPTIONS ?? '';
  const imageArguments = imageNodeArguments(root, 'worker');
  // The image's environment; its folders (the compile cache, the data folder) moved to temporary ones.
  const asImage = { ...env, ...image, NODE_OPTIONS: imageNodeOptions, NODE_COMPILE_CACHE: cache, PROPS_DATA_DIR: data };
  // As the Dockerfile does: --build-check fills the cache (written when the process exits).
  const filled = spawnSync(process.execPath, [...imageArguments, 'main.js', '--build-check'], {
    cwd: worker,
    env: { ...process.env, ...asImage },
    stdio: 'ignore',
  });
  const floorEnv = {
    ...env,
    PROPS_MODEL_DIR: join(root, 'models'),
    PROPS_MODEL_MANIFEST: join(root, 'libs/models/src/artifacts/model-manifest.json'),
  };
  /** @type {Record<'floor' | 'floorMaps' | 'bundle' | 'image' | 'sources' | 'previous', number[]>} */
  const runs = { floor: [], floorMaps: [], bundle: [], image: [], sources: [], previous: [] };
  const measuresCpu = existsSync('/proc/self/stat');
  /** CPU to ready of the floor and of the image-like start (Linux only). */
  const cpu = { floorMaps: [], image: [] };
  const cpuInto = (values) => (measuresCpu ? (pid) => values.push(cpuMilliseconds(pid)) : undefined);
  try {
    for (let round = 0; round < rounds; round += 1) {
      runs.floor.push(
        await timeToReady(process.execPath, ['tools/bench/startup-floor.cjs'], { cwd: root, env: floorEnv }),
      );
      runs.bundle.push(await timeToReady(process.execPath, ['main.js'], { cwd: worker, env }));
      runs.image.push(
        await timeToReady(process.execPath, [...imageArguments, 'main.js'], {
          cwd: worker,
          env: asImage,
          onReady: cpuInto(cpu.image),
        }),
      );
      runs.floorMaps.push(
        await timeToReady(process.execPath, [...imageArguments, 'tools/bench/startup-floor.cjs'], {
          cwd: root,
          env: { ...floorEnv, NODE_ENV: image.NODE_ENV ?? '', NODE_OPTIONS: imageNodeOptions },
          onReady: cpuInto(cpu.floorMaps),
        }),
      );
      runs.sources.push(
        await timeToReady(process.execPath, ['--import', 'tsx', 'apps/worker/src/main.ts'], { cwd: root, env }),
      );
      if (previousNode) runs.previous.push(await timeToReady(previousNode, ['main.js'], { cwd: worker, env }));
    }
  } finally {
    rmSync(cache, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  }
  const floor = stats(runs.floor);
  const floorMaps = stats(runs.floorMaps);
  const lines = [
    `worker start-to-ready (spawn → 200 on /health/ready), ${rounds} interleaved rounds, Node ${process.versions.node}:`,
    row('floor (onnxruntime + 2 sessions + listener)', floor),
    row(
      `floor, the image's node options (${[imageNodeOptions, ...imageArguments].join(' ').trim() || 'none'})`,
      floorMaps,
    ),
    row('bundle (node main.js)', stats(runs.bundle), floor),
    row(
      `RATIO as the image runs it (its env, compile cache${filled.status === 0 ? '' : ' NOT filled'})`,
      stats(runs.image),
      floorMaps,
    ),
    row('sources (node --import tsx)', stats(runs.sources), floor),
  ];
  if (measuresCpu) {
    lines.push(row("CPU to ready: floor, the image's node options", stats(cpu.floorMaps)));
    lines.push(row('CPU to ready: as the image runs it', stats(cpu.image), stats(cpu.floorMaps)));
  }
  if (previousNode) lines.push(row(`the bundle on Node ${PREVIOUS_NODE}`, stats(runs.previous), floor));
  else lines.push(`  Node ${PREVIOUS_NODE} could not be fetched for the comparison (npm registry unreachable)`);
  lines.push('  (target: the image-like start within 1.3x of its floor)');
  if (process.env.PROPS_BENCH_NO_IMAGES) return lines;
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

if (process.argv[1] === import.meta.filename) {
  process.env.PROPS_BENCH_NO_IMAGES = '1';
  const lines = await benchServiceStartup(join(import.meta.dirname, '../..'), { rounds: Number(process.argv[2] ?? 7) });
  for (const line of lines) console.log(line);
}
