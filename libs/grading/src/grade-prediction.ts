/** A consolidated prediction of a real prop line, as grading reads it. */
export interface PredictionToGrade {
  playerLookup: string;
  gameId: string;
  systemId: string;
  modelVersion: string;
  predictedPoints: number;
  confidenceScore: number;
  recommendation: string;
  line: number;
}

/** The player's box score line; null when the player has none for a final game (did not play). */
export interface ActualLine {
  points: number;
  minutes: number;
}

export interface GradedPrediction extends PredictionToGrade {
  confidenceDecile: number;
  actualPoints: number | null;
  minutesPlayed: number | null;
  absoluteError: number | null;
  signedError: number | null;
  /** null for PASS/NO_LINE, a push, or no actual points. */
  predictionCorrect: boolean | null;
  isPush: boolean;
  isVoided: boolean;
  voidReason: string | null;
}

const oneDecimal = (value: number) => Math.round(value * 10) / 10;

/**
 * The original's rules: OVER/UNDER win or lose against the actual points; a push (actual equal to
 * the line) is neither; PASS and NO_LINE are not graded; a player with 0 minutes is voided.
 */
export function gradePrediction(prediction: PredictionToGrade, actual: ActualLine | null): GradedPrediction {
  const confidence = prediction.confidenceScore > 1 ? prediction.confidenceScore / 100 : prediction.confidenceScore;
  const confidenceDecile = Math.min(10, Math.floor(confidence * 10) + 1);
  const voided = actual === null || actual.minutes === 0;
  const actualPoints = actual?.points ?? null;
  const isPush = actualPoints !== null && actualPoints === prediction.line;
  const picked = prediction.recommendation === 'OVER' || prediction.recommendation === 'UNDER';
  return {
    ...prediction,
    confidenceScore: Math.round(confidence * 1000) / 1000,
    confidenceDecile,
    actualPoints,
    minutesPlayed: actual?.minutes ?? null,
    absoluteError: actualPoints === null ? null : oneDecimal(Math.abs(prediction.predictedPoints - actualPoints)),
    signedError: actualPoints === null ? null : oneDecimal(prediction.predictedPoints - actualPoints),
    predictionCorrect: !picked || actualPoints === null || isPush ? null : actualPoints > prediction.line === (prediction.recommendation === 'OVER'),
    isPush: picked && isPush,
    isVoided: voided,
    voidReason: voided ? (actual === null ? 'dnp: no box score line for a final game' : 'dnp: 0 minutes') : null,
  };
}
