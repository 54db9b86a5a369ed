// `npm run models:build`: converts every source model of the manifest into its ONNX artifact under
// models/, and records both sha256 sums in the manifest. Deterministic: unchanged sources give
// byte-identical artifacts.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { convertModel, type ManifestEntry } from '@props/models';

const root = resolve(import.meta.dirname, '../..');
const manifestFile = join(root, 'libs/models/src/artifacts/model-manifest.json');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { models: ManifestEntry[] };
for (const entry of manifest.models) {
  const source = readFileSync(join(root, 'models', entry.source));
  const { ensemble, onnx } = convertModel(source, {
    lastIteration: entry.conversion.last_iteration,
    metadata: { model_id: entry.model_id, model_version: entry.model_version, source_sha256: sha256(source) },
  });
  if (ensemble.featureNames.join(',') !== entry.features.join(',')) {
    throw new Error(
      `${entry.model_id}: the source names features ${ensemble.featureNames.join(',')}, the manifest ${entry.features.join(',')}`,
    );
  }
  const target = join(root, 'models', entry.onnx);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, onnx);
  entry.source_sha256 = sha256(source);
  entry.onnx_sha256 = sha256(onnx);
  console.log(
    `${entry.model_id}: ${ensemble.source.note} -> models/${entry.onnx} (${(onnx.byteLength / 1024 / 1024).toFixed(2)} MB, sha256 ${entry.onnx_sha256.slice(0, 12)}…)`,
  );
}
writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
