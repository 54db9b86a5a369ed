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
  hasPropLine: boolean;
  lineSource: string | null;
  estimatedLineValue: number | null;
  isActionable: boolean | null;
  filterReason: string | null;
  paceAdjustment: number | null;
  similarGamesCount: number | null;
  /** The injury report status captured when the prediction was made (upper case), if any. */
  injuryStatus: string | null;
  injuryFlag: boolean | null;
}

/** The player's box score line for the date. */
export interface ActualLine {
  points: number;
  /** null when the box score has no minutes (a DNP row). */
  minutes: number | null;
  teamAbbr: string | null;
  opponentTeamAbbr: string | null;
}

export interface GradedPrediction extends PredictionToGrade {
  confidenceDecile: number;
  actualPoints: number;
  minutesPlayed: number | null;
  teamAbbr: string | null;
  opponentTeamAbbr: string | null;
  absoluteError: number;
  signedError: number;
  predictedMargin: number;
  actualMargin: number;
  withinThree: boolean;
  withinFive: boolean;
  /** null for PASS/NO_LINE, or a push; voiding does not change it (as the original). */
  predictionCorrect: boolean | null;
  isPush: boolean;
  isVoided: boolean;
  voidReason: 'dnp_injury_confirmed' | 'dnp_late_scratch' | 'dnp_unknown' | null;
}

const oneDecimal = (value: number) => Math.round(value * 10) / 10;

/** The original's void reasons from the status captured at prediction time. */
function voidReason(prediction: PredictionToGrade): NonNullable<GradedPrediction['voidReason']> {
  if (prediction.injuryFlag && (prediction.injuryStatus === 'OUT' || prediction.injuryStatus === 'DOUBTFUL'))
    return 'dnp_injury_confirmed';
  if (prediction.injuryFlag && (prediction.injuryStatus === 'QUESTIONABLE' || prediction.injuryStatus === 'PROBABLE'))
    return 'dnp_late_scratch';
  return 'dnp_unknown';
}

/**
 * The original's rules (`original-data.md` §1.10): OVER/UNDER win or lose against the actual
 * points; a push (actual equal to the line) is neither; PASS and NO_LINE are not graded; a box
 * score of 0 points and no minutes is a DNP, voided with the reason the pre-game status gives.
 */
export function gradePrediction(prediction: PredictionToGrade, actual: ActualLine): GradedPrediction {
  const confidence = prediction.confidenceScore > 1 ? prediction.confidenceScore / 100 : prediction.confidenceScore;
  const voided = actual.points === 0 && (actual.minutes === null || actual.minutes === 0);
  const isPush = actual.points === prediction.line;
  const picked = prediction.recommendation === 'OVER' || prediction.recommendation === 'UNDER';
  const absoluteError = oneDecimal(Math.abs(prediction.predictedPoints - actual.points));
  return {
    ...prediction,
    confidenceScore: Math.round(confidence * 1000) / 1000,
    confidenceDecile: Math.min(10, Math.floor(confidence * 10) + 1),
    actualPoints: actual.points,
    minutesPlayed: actual.minutes,
    teamAbbr: actual.teamAbbr,
    opponentTeamAbbr: actual.opponentTeamAbbr,
    absoluteError,
    signedError: oneDecimal(prediction.predictedPoints - actual.points),
    predictedMargin: oneDecimal(prediction.predictedPoints - prediction.line),
    actualMargin: oneDecimal(actual.points - prediction.line),
    withinThree: absoluteError <= 3,
    withinFive: absoluteError <= 5,
    predictionCorrect:
      !picked || isPush ? null : actual.points > prediction.line === (prediction.recommendation === 'OVER'),
    isPush: picked && isPush,
    isVoided: voided,
    voidReason: voided ? voidReason(prediction) : null,
  };
}
