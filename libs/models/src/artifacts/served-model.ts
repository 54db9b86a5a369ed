import type { OnnxRegressor } from '../inference/onnx-regressor';

/** A model as the worker serves it: loaded, or unavailable with the reason. */
export interface ServedModel {
  systemId: string;
  modelId: string;
  modelVersion: string;
  location: string;
  regressor: OnnxRegressor | null;
  unavailableReason?: string;
}
