import type { Regressor } from '../inference/regressor';

/** A model as the worker serves it: loaded, or unavailable with the reason. */
export interface ServedModel {
  systemId: string;
  modelId: string;
  modelVersion: string;
  location: string;
  regressor: Regressor | null;
  unavailableReason?: string;
}
