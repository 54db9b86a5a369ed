import { readCatboostModel } from './catboost-cbm';
import { encodeTreeEnsembleOnnx } from './onnx-tree-ensemble';
import { ModelFormatError, type TreeEnsemble } from './tree-ensemble';
import { readXgboostModel } from './xgboost-json';

export interface ConversionOptions {
  /** XGBoost: keep trees up to this boosting round (its recorded best_iteration). */
  lastIteration?: number;
  metadata?: Record<string, string>;
}

export interface ConvertedModel {
  ensemble: TreeEnsemble;
  onnx: Uint8Array;
}

/** A CatBoost `.cbm` (by its CBM1 magic) or an XGBoost JSON model, to ONNX TreeEnsembleRegressor. */
export function convertModel(file: Uint8Array, options: ConversionOptions = {}): ConvertedModel {
  const magic = new TextDecoder().decode(file.subarray(0, 4));
  let ensemble: TreeEnsemble;
  if (magic === 'CBM1') {
    ensemble = readCatboostModel(file);
  } else {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(file));
    } catch {
      throw new ModelFormatError('neither a CatBoost binary model (CBM1) nor an XGBoost JSON model');
    }
    ensemble = readXgboostModel(json, { lastIteration: options.lastIteration });
  }
  const metadata = {
    feature_names: ensemble.featureNames.join(','),
    source_format: ensemble.source.format,
    source_note: ensemble.source.note,
    ...options.metadata,
  };
  return { ensemble, onnx: encodeTreeEnsembleOnnx(ensemble, { modelVersion: 1, metadata }) };
}
