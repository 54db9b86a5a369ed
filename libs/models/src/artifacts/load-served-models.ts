import { errorMessage } from '@props/contracts';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxRegressor } from '../inference/onnx-regressor';
import { OnnxThread } from '../inference/onnx-thread';
import { ModelArtifactError, modelManifest, type ManifestEntry } from './model-manifest';
import type { ServedModel } from './served-model';

export interface ModelLoadOptions {
  /** Folder the manifest's relative paths start from (PROPS_MODEL_DIR). */
  modelDir: string;
  /** Where gs:// artifacts are cached, by sha256. */
  cacheDir: string;
  /** Environment, for the per-model path variables (CATBOOST_V8_MODEL_PATH, XGBOOST_V1_MODEL_PATH). */
  env: NodeJS.ProcessEnv;
  /** true: a model that cannot be loaded stops startup (production). false: its system falls back, visibly. */
  requireModels: boolean;
  fetchRemote?: (url: string, destination: string) => Promise<void>;
  /**
   * Where the sessions run: 'main-thread' (default; the worker service, whose start-up a thread
   * would lengthen) or 'onnx-thread', one worker thread for all of them (the backfill, which
   * scores while it forms rows and reads the warehouse).
   */
  sessions?: 'main-thread' | 'onnx-thread';
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Where a model comes from, in this order: its environment variable (a local path or
 * gs://bucket/path), else the manifest's file under the model folder. Whatever the location, the
 * bytes must have the manifest's sha256: a location override moves the artifact, it does not
 * swap it.
 */
async function readArtifact(
  entry: ManifestEntry,
  options: ModelLoadOptions,
): Promise<{ location: string; bytes: Uint8Array }> {
  const override = options.env[entry.path_variable];
  const location = override || join(options.modelDir, entry.onnx);
  let file = location;
  if (location.startsWith('gs://')) {
    mkdirSync(options.cacheDir, { recursive: true });
    file = join(options.cacheDir, `${entry.onnx_sha256}.onnx`);
    if (!existsSync(file)) {
      const partial = `${file}.${process.pid}.partial`;
      try {
        // The Cloud Storage client is loaded only for a gs:// model, so a start from local files never loads it.
        const fetchRemote = options.fetchRemote ?? (await import('../gcp/gcs-artifact-fetcher')).fetchFromGcs;
        await fetchRemote(location, partial);
      } catch (error) {
        throw new ModelArtifactError(`model ${entry.model_id}: cannot download ${location}: ${errorMessage(error)}`);
      }
      renameSync(partial, file);
    }
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new ModelArtifactError(
      `model ${entry.model_id}: cannot read ${file}${override ? ` (from ${entry.path_variable})` : ''}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const actual = sha256(bytes);
  if (actual !== entry.onnx_sha256) {
    throw new ModelArtifactError(
      `model ${entry.model_id}: ${location} has sha256 ${actual.slice(0, 16)}…, the manifest expects ${entry.onnx_sha256.slice(0, 16)}…`,
    );
  }
  return { location, bytes };
}

/** Loads every manifest model into an ONNX session, or records why it is unavailable. */
export async function loadServedModels(options: ModelLoadOptions): Promise<ServedModel[]> {
  const served: ServedModel[] = [];
  // Started with the first model, so a thread that cannot start is that model's failure.
  let thread: OnnxThread | null = null;
  const load = (bytes: Uint8Array, featureCount: number) => {
    if (options.sessions !== 'onnx-thread') return OnnxRegressor.load(bytes, featureCount);
    thread ??= new OnnxThread();
    return thread.load(bytes, featureCount);
  };
  for (const entry of modelManifest()) {
    const base = { systemId: entry.system_id, modelId: entry.model_id, modelVersion: entry.model_version };
    try {
      const { location, bytes } = await readArtifact(entry, options);
      served.push({ ...base, location, regressor: await load(bytes, entry.features.length) });
    } catch (error) {
      if (options.requireModels) throw error;
      served.push({
        ...base,
        location: options.env[entry.path_variable] || join(options.modelDir, entry.onnx),
        regressor: null,
        unavailableReason: errorMessage(error),
      });
    }
  }
  return served;
}
