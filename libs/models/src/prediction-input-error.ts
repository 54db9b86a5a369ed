import { historyOrderProblem } from '@props/contracts';
import type { PredictionInput } from './systems/prediction-system';

export class PredictionInputError extends Error {
  override readonly name = 'PredictionInputError';
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

/** What the systems refuse outright (the features were validated when the FeatureVector was built). */
export function validatePredictionInput(input: PredictionInput): void {
  if (input.line !== null && (!Number.isFinite(input.line) || input.line < 0))
    throw new PredictionInputError('line', `expected a non-negative number or none, got ${input.line}`);
  const order = historyOrderProblem(input.history, input.gameDate);
  if (order) throw new PredictionInputError(`history[${order.index}].game_date`, order.message);
  input.history.forEach((game, index) => {
    if (!Number.isFinite(game.minutes) || game.minutes < 0)
      throw new PredictionInputError(
        `history[${index}].minutes`,
        `expected a non-negative number, got ${game.minutes}`,
      );
    if (!Number.isFinite(game.points) || game.points < 0)
      throw new PredictionInputError(`history[${index}].points`, `expected a non-negative number, got ${game.points}`);
  });
}
