import { ServiceError } from '@props/contracts';
import { FEATURE_NAMES, FEATURE_VERSION } from '@props/feature-vector';
import manifestJson from './model-manifest.json';

export interface ManifestEntry {
  system_id: string;
  model_id: string;
  model_version: string;
  /** Relative to the model folder (PROPS_MODEL_DIR). */
  onnx: string;
  onnx_sha256: string;
  source: string;
  source_sha256: string;
  feature_version: string;
  features: string[];
  /** Environment variable that may point somewhere else (a path or gs://) for the same artifact. */
  path_variable: string;
  conversion: { last_iteration?: number };
  training_metrics: Record<string, number>;
}

export class ModelArtifactError extends ServiceError {
  override readonly name = 'ModelArtifactError';
  constructor(message: string) {
    super('model_artifact_unavailable', message);
  }
}

/** The served models, checked against the feature contract once at load. */
export function modelManifest(): ManifestEntry[] {
  const entries = (manifestJson as unknown as { models: ManifestEntry[] }).models;
  for (const entry of entries) {
    if (entry.feature_version !== FEATURE_VERSION)
      throw new ModelArtifactError(
        `model ${entry.model_id}: feature_version ${entry.feature_version}, the worker serves ${FEATURE_VERSION}`,
      );
    const expected = FEATURE_NAMES.slice(0, entry.features.length);
    const mismatch = entry.features.findIndex((name, index) => name !== expected[index]);
    if (mismatch !== -1)
      throw new ModelArtifactError(
        `model ${entry.model_id}: feature ${mismatch} is "${entry.features[mismatch]}", the vector has "${expected[mismatch]}" there`,
      );
  }
  return entries;
}
