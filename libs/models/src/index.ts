export { PredictionSystems, type PlayerOutcomes, type SystemFailure } from './run-prediction-systems';
export { predictPlayers, type PlayerPrediction } from './rows/predict-players';
export { MIN_FEATURE_QUALITY, INVALID_FEATURES, FEATURE_RANGES, invalidFeatures } from './rows/feature-gate';
export {
  isPrediction,
  type PredictionInput,
  type SystemPrediction,
  type SystemSkip,
  type SystemOutcome,
  type Recommendation,
} from './systems/prediction-system';
export type { FallbackEvent } from './systems/tree-model-system';
export { FALLBACK_MODEL_VERSION } from './systems/weighted-average-fallback';
export { loadServedModels, type ModelLoadOptions } from './artifacts/load-served-models';
export { modelManifest, ModelArtifactError, type ManifestEntry } from './artifacts/model-manifest';
export type { ServedModel } from './artifacts/served-model';
export { convertModel, type ConversionOptions, type ConvertedModel } from './conversion/convert-model';
export { UnsupportedModelError, ModelFormatError } from './conversion/tree-ensemble';
export { OnnxRegressor } from './inference/onnx-regressor';
export { OnnxThread } from './inference/onnx-thread';
export { roundHalfEven } from './python-round';
export { PredictionInputError } from './prediction-input-error';
export { onnxRuntimeCheck, onnxThreadCheck } from './inference/onnx-runtime-check';
export { DEPARTURES, explainDifference, type Departure, type PredictionDifference } from './departures';
