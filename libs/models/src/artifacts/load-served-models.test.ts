import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadServedModels, type ModelLoadOptions } from './load-served-models';
import { ModelArtifactError } from './model-manifest';
import manifest from './model-manifest.json';

const modelDir = resolve(import.meta.dirname, '../../../../models');
const scratch = () => mkdtempSync(join(tmpdir(), 'props-models-'));
const options = (overrides: Partial<ModelLoadOptions> = {}): ModelLoadOptions => ({
  modelDir,
  cacheDir: join(scratch(), 'cache'),
  env: {},
  requireModels: true,
  ...overrides,
});
const [catboost, xgboost] = manifest.models;

describe('loadServedModels', () => {
  it('loads every manifest model from the model folder by default', async () => {
    const served = await loadServedModels(options());
    expect(served.map((model) => [model.systemId, model.location])).toEqual([
      ['catboost_v8', join(modelDir, catboost!.onnx)],
      ['xgboost_v1', join(modelDir, xgboost!.onnx)],
    ]);
    expect(served.every((model) => model.regressor !== null)).toBe(true);
  });

  it('takes CATBOOST_V8_MODEL_PATH before the model folder', async () => {
    const copy = join(scratch(), 'v8.onnx');
    copyFileSync(join(modelDir, catboost!.onnx), copy);
    const served = await loadServedModels(options({ env: { CATBOOST_V8_MODEL_PATH: copy } }));
    expect(served[0]!.location).toBe(copy);
  });

  it("refuses an artifact whose sha256 is not the manifest's, naming the model and the path", async () => {
    const wrong = join(modelDir, xgboost!.onnx);
    const attempt = loadServedModels(options({ env: { CATBOOST_V8_MODEL_PATH: wrong } }));
    await expect(attempt).rejects.toThrow(ModelArtifactError);
    await expect(attempt).rejects.toThrow(`model ${catboost!.model_id}: ${wrong} has sha256`);
  });

  it('refuses an unreadable file, naming the variable it came from', async () => {
    await expect(loadServedModels(options({ env: { XGBOOST_V1_MODEL_PATH: '/nowhere/model.onnx' } }))).rejects.toThrow(
      `model ${xgboost!.model_id}: cannot read /nowhere/model.onnx (from XGBOOST_V1_MODEL_PATH): ENOENT`,
    );
  });

  it('without requireModels, records why a model is unavailable instead of stopping', async () => {
    const served = await loadServedModels(
      options({ requireModels: false, env: { XGBOOST_V1_MODEL_PATH: '/nowhere/model.onnx' } }),
    );
    expect(served[0]!.regressor).not.toBeNull();
    expect(served[1]).toMatchObject({
      systemId: 'xgboost_v1',
      regressor: null,
      unavailableReason: expect.stringContaining('cannot read /nowhere/model.onnx'),
    });
  });

  it('downloads a gs:// artifact once into the cache, verified by sha256', async () => {
    const fetched: string[] = [];
    const fetchRemote = async (url: string, destination: string) => {
      fetched.push(url);
      copyFileSync(join(modelDir, catboost!.onnx), destination);
    };
    const shared = options({ env: { CATBOOST_V8_MODEL_PATH: 'gs://models-bucket/catboost/v8.onnx' }, fetchRemote });
    const first = await loadServedModels(shared);
    const second = await loadServedModels(shared);
    expect(fetched).toEqual(['gs://models-bucket/catboost/v8.onnx']);
    expect(first[0]!.location).toBe('gs://models-bucket/catboost/v8.onnx');
    expect(second[0]!.regressor).not.toBeNull();
  });

  it('reports a failed download with the URL', async () => {
    const fetchRemote = async () => Promise.reject(new Error('403 Forbidden'));
    await expect(
      loadServedModels(options({ env: { CATBOOST_V8_MODEL_PATH: 'gs://models-bucket/v8.onnx' }, fetchRemote })),
    ).rejects.toThrow(`model ${catboost!.model_id}: cannot download gs://models-bucket/v8.onnx: 403 Forbidden`);
  });
});
