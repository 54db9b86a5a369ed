import { oneOrGroup } from './one-or-group';
import { plainlyValidMessage } from './plainly-valid-request';
import { PredictionRequestGroupSchema, PredictionRequestSchema } from './prediction-request';

/** What the worker's /predict accepts: one player's request, or a group of them (a plainly valid one without zod's parse). */
export const PredictionMessageSchema = oneOrGroup(
  PredictionRequestSchema,
  'requests',
  PredictionRequestGroupSchema,
  plainlyValidMessage,
);
