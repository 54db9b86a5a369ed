// The backfill's ONNX thread inside a real bundle (the build's options, onnxruntime-node external as
// the CLI's project.json has it), run as its own process: concurrent calls on both served sessions
// are all answered, a call that cannot be sent is refused, the process then ends by itself with
// the thread idle, and close() waits for a thread to end, idle or in a run, before it resolves. A
// thread held ref'd would keep the process running; one left unref'd while a call is out, or a
// close() holding nothing, would let it end early (an unsettled top-level await, exit 13), and a
// process ending during a run aborts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import manifest from '../../libs/models/src/artifacts/model-manifest.json';
import { bundleProbe } from './bundle-probe';

const root = resolve(import.meta.dirname, '../..');
// Inside the workspace, so the external onnxruntime-node resolves from its node_modules at run time.
mkdirSync(join(root, 'var'), { recursive: true });
const folder = mkdtempSync(join(root, 'var', 'props-onnx-thread-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const PROBE = `import { readFileSync } from 'node:fs';
import { OnnxThread, loadServedModels } from '@props/models';
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
await thread.close();
console.log('closed idle');
const busy = new OnnxThread();
const scoring = (await busy.load(readFileSync(process.env.PROBE_CATBOOST!), 33))
  .predict(Array.from({ length: 20_000 }, (_, row) => rows(33)[row % 50]!))
  .then(() => 'answered', (error: Error) => error.message);
await busy.close();
console.log('closed busy', await scoring);
`;

let bundle: string;
beforeAll(async () => {
  bundle = await bundleProbe(folder, { 'probe.ts': PROBE }, ['onnxruntime-node']);
}, 120_000);

it('answers concurrent calls, refuses an unsendable one, closes idle and busy threads, then lets the process end', () => {
  const run = spawnSync(process.execPath, [join(bundle, 'main.js')], {
    encoding: 'utf8',
    timeout: 90_000,
    env: {
      ...process.env,
      PROBE_MODEL_DIR: join(root, 'models'),
      PROBE_CATBOOST: join(root, 'models', manifest.models[0]!.onnx),
      PROBE_CACHE_DIR: join(folder, 'cache'),
    },
  });
  expect({ status: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr }).toEqual({
    status: 0,
    signal: null,
    stdout: 'answered 50 50 7\nrefused yes\nclosed idle\nclosed busy the ONNX thread was closed\n',
    stderr: '',
  });
}, 120_000);
