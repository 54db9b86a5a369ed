import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadServedModels, type ModelLoadOptions } from '../artifacts/load-served-models';
import manifest from '../artifacts/model-manifest.json';
import { onnxThreadCheck } from './onnx-runtime-check';
import { OnnxThread } from './onnx-thread';

const root = resolve(import.meta.dirname, '../../../..');
const modelDir = resolve(root, 'models');
const options = (sessions: ModelLoadOptions['sessions']): ModelLoadOptions => ({
  modelDir,
  cacheDir: resolve(root, 'var/model-cache'),
  env: {},
  requireModels: true,
  sessions,
});
const catboostBytes = () => readFileSync(resolve(modelDir, manifest.models[0]!.onnx));

/** 400 rows of `width` values from -5 to 35, every 7th NaN (the trees route it), from a fixed seed. */
function rows(width = 33): number[][] {
  let state = 20241104;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: 400 }, (_, row) =>
    Array.from({ length: width }, (_, column) => ((row * width + column) % 7 === 0 ? Number.NaN : next() * 40 - 5)),
  );
}

const threads: OnnxThread[] = [];
const startThread = () => {
  const thread = new OnnxThread();
  threads.push(thread);
  return thread;
};
afterAll(async () => {
  for (const thread of threads) await thread.close();
});

describe('ONNX sessions on a worker thread', () => {
  it('score every served model exactly as sessions on the main thread do', async () => {
    const [onMain, onThread] = await Promise.all([
      loadServedModels(options('main-thread')),
      loadServedModels(options('onnx-thread')),
    ]);
    expect(onMain.map((model) => model.regressor!.featureCount)).toEqual([33, 25]);
    for (const [index, model] of onMain.entries()) {
      const input = rows(model.regressor!.featureCount);
      const expected = await model.regressor!.predict(input);
      const threaded = onThread[index]!;
      expect(threaded.systemId).toBe(model.systemId);
      expect(threaded.regressor!.featureCount).toBe(model.regressor!.featureCount);
      expect(await threaded.regressor!.predict(input)).toEqual(expected);
    }
  });

  it('answer concurrent calls each with its own rows', async () => {
    const regressor = await startThread().load(catboostBytes(), 33);
    const input = rows();
    const whole = await regressor.predict(input);
    const parts = await Promise.all(
      [0, 100, 200, 300].map((start) => regressor.predict(input.slice(start, start + 100))),
    );
    expect(parts.flat()).toEqual(whole);
  });

  it('refuse a row of the wrong length before it reaches the thread, naming the row; an empty call answers []', async () => {
    const regressor = await startThread().load(catboostBytes(), 33);
    const input = rows();
    input[1] = input[1]!.slice(0, 32);
    await expect(regressor.predict(input)).rejects.toThrow(new RangeError('row 1 has 32 values; the model reads 33'));
    expect(await regressor.predict([])).toEqual([]);
  });

  it("refuse a model the runtime cannot read with the runtime's message, and go on serving the others", async () => {
    const thread = startThread();
    const regressor = await thread.load(catboostBytes(), 33);
    await expect(thread.load(new TextEncoder().encode('not an onnx model'), 33)).rejects.toThrow(/protobuf|model/i);
    expect(await regressor.predict(rows().slice(0, 3))).toHaveLength(3);
  });

  it('once closed, refuse the call still being scored and every later one, and end the thread after its run', async () => {
    const thread = startThread();
    const regressor = await thread.load(catboostBytes(), 33);
    // 50 times the rows: the thread is still scoring them when close() is called.
    const unanswered = expect(regressor.predict(Array.from({ length: 50 }, rows).flat())).rejects.toThrow(
      'the ONNX thread was closed',
    );
    await thread.close();
    await unanswered;
    await expect(regressor.predict(rows())).rejects.toThrow('the ONNX thread was closed');
    await expect(thread.load(catboostBytes(), 33)).rejects.toThrow('the ONNX thread was closed');
    await thread.close();
  });

  it('refuse every call of a thread that cannot load the binding, naming why', async () => {
    const thread = new OnnxThread('/nowhere/onnxruntime-node.js');
    threads.push(thread);
    await expect(thread.load(catboostBytes(), 33)).rejects.toThrow(
      /^the ONNX thread failed: Cannot find module '\/nowhere\/onnxruntime-node\.js'/,
    );
    await expect(thread.load(catboostBytes(), 33)).rejects.toThrow('the ONNX thread failed');
  });

  it('refuse a call that cannot be sent, and go on serving', async () => {
    const thread = startThread();
    const detached = new Uint8Array(8);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    await expect(thread.load(detached, 1)).rejects.toThrow(/detached/);
    expect(await (await thread.load(catboostBytes(), 33)).predict(rows().slice(0, 2))).toHaveLength(2);
  });

  it('score on the thread in the build check', async () => {
    expect(await onnxThreadCheck.run()).toEqual({ status: 'ok', detail: 'a session on a worker thread scores' });
  });
});
