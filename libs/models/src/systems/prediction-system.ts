import type { HistoricalGame } from '@props/contracts';
import type { FeatureVector } from '@props/feature-vector';

export type Recommendation = 'OVER' | 'UNDER' | 'PASS' | 'NO_LINE';

/** Everything a system may use for one player on one date; the coordinator loaded it. */
export interface PredictionInput {
  playerLookup: string;
  gameDate: string;
  isHome: boolean;
  features: FeatureVector;
  /** The player's games strictly before gameDate, oldest first. */
  history: readonly HistoricalGame[];
  /** The prop line, or null when the player has none. */
  line: number | null;
}

export interface SystemPrediction {
  systemId: string;
  modelVersion: string;
  predictedPoints: number;
  /** 0-1 for every system. */
  confidence: number;
  recommendation: Recommendation;
  details: Record<string, unknown>;
}

/** The system cannot predict this player (e.g. too few similar games): no row is written. */
export interface SystemSkip {
  systemId: string;
  skipped: string;
}

export type SystemOutcome = SystemPrediction | SystemSkip;

export const isPrediction = (outcome: SystemOutcome): outcome is SystemPrediction => !('skipped' in outcome);

export interface PredictionSystem {
  readonly systemId: string;
  readonly modelVersion: string;
  predictBatch(inputs: readonly PredictionInput[]): Promise<SystemOutcome[]>;
}
