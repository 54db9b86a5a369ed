// The backfill's ONNX thread inside a real bundle (the build's options, onnxruntime-node external as
// the CLI's project.json has it), run as its own process: concurrent calls on both served sessions
// are all answered, a call that cannot be sent is refused, and the process then ends by itself with
// the thread idle. A thread held ref'd would keep it running; one left unref'd while a call is out
// would let it end before the answers (an unsettled top-level await, exit 13).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bundleProbe } from './bundle-probe';

const root = resolve(import.meta.dirname, '../..');
// Inside the workspace, so the external onnxruntime-node resolves from its node_modules at run time.
mkdirSync(join(root, 'var'), { recursive: true });
const folder = mkdtempSync(join(root, 'var', 'props-onnx-thread-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const PROBE = `import { OnnxThread, loadServedModels } from '@props/models';
const [catboost, xgboost] = await loadServedModels({
  modelDir: process.env.PROBE_MODEL_DIR!,
  cacheDir: process.env.PROBE_CACHE_DIR!,
  env: {},
  requireModels: true,
  sessions: 'onnx-thread',
});
const rows = (width: number) => Array.from({ length: 50 }, (_, row) => Array.from({ length: width }, (_, column) => (row + column) % 30));
const answered = await Promise.all([
  catboost!.regressor!.predict(rows(33)),
  xgboost!.regressor!.predict(rows(25)),
  catboost!.regressor!.predict(rows(33).slice(0, 7)),
]);
console.log('answered', answered.map((values) => values.length).join(' '));
const thread = new OnnxThread();
const detached = new Uint8Array(8);
structuredClone(detached.buffer, { transfer: [detached.buffer] });
console.log('refused', await thread.load(detached, 1).then(() => 'no', () => 'yes'));
`;

let bundle: string;
beforeAll(async () => {
  bundle = await bundleProbe(folder, { 'probe.ts': PROBE }, ['onnxruntime-node']);
}, 120_000);

it('answers concurrent calls, refuses an unsendable one, then lets the process end by itself', () => {
  const run = spawnSync(process.execPath, [join(bundle, 'main.js')], {
    encoding: 'utf8',
    timeout: 90_000,
    env: { ...process.env, PROBE_MODEL_DIR: join(root, 'models'), PROBE_CACHE_DIR: join(folder, 'cache') },
  });
  expect({ status: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr }).toEqual({
    status: 0,
    signal: null,
    stdout: 'answered 50 50 7\nrefused yes\n',
    stderr: '',
  });
}, 120_000);
