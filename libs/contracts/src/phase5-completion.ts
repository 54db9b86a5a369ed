/** What a consolidated batch tells the phase-5-to-6 orchestrator. */
export interface Phase5CompletionInput {
  batchId: string;
  gameDate: string;
  correlationId: string | null;
  triggerSource: string | null;
  playersExpected: number;
  playersCompleted: number;
  rowsMerged: number;
  startedAt: string;
  consolidatedAt: string;
  partial: boolean;
}

/**
 * The completion message of the original's `UnifiedPubSubPublisher.publish_completion` on
 * `nba-phase5-predictions-complete` (docs/operations/cutover.md, "Topics and messages"): the standard envelope, with
 * keys whose value is null dropped as the original drops None. The orchestrator reads `game_date`,
 * `status` (success or partial), `metadata.completion_pct` (≥ 80 to go on),
 * `metadata.completed_predictions`, `metadata.batch_id` and `correlation_id`; the metadata also
 * carries the keys the original's Firestore path sent, so readers of either shape find theirs.
 */
export function phase5CompletionMessage(input: Phase5CompletionInput): Record<string, unknown> {
  const completionPct =
    input.playersExpected === 0 ? 100 : Math.round((input.playersCompleted / input.playersExpected) * 1000) / 10;
  const message: Record<string, unknown> = {
    processor_name: 'PredictionCoordinator',
    phase: 'phase_5_predictions',
    execution_id: input.batchId,
    correlation_id: input.correlationId,
    game_date: input.gameDate,
    output_table: 'player_prop_predictions',
    output_dataset: 'nba_predictions',
    status: input.partial || input.playersCompleted < input.playersExpected ? 'partial' : 'success',
    record_count: input.rowsMerged,
    records_failed: input.playersExpected - input.playersCompleted,
    timestamp: input.consolidatedAt,
    duration_seconds: Math.max(
      0,
      Math.round((Date.parse(input.consolidatedAt) - Date.parse(input.startedAt)) / 100) / 10,
    ),
    trigger_source: input.triggerSource,
    metadata: {
      batch_id: input.batchId,
      completion_pct: completionPct,
      completed_predictions: input.rowsMerged,
      expected_players: input.playersExpected,
      completed_players: input.playersCompleted,
      total_predictions: input.rowsMerged,
      completion_percentage: completionPct,
    },
  };
  return Object.fromEntries(Object.entries(message).filter(([, value]) => value !== null && value !== undefined));
}
