import { PLAYER_PROP_PREDICTIONS, insertRows, withWarehouse } from '@props/warehouse';

/** One OVER (catboost_v8) and one PASS (moving_average) prediction per player with a line on the date. */
export async function stagePredictions(path: string, gameDate: string): Promise<number> {
  return withWarehouse(path, async (connection) => {
    const lined = (
      await connection.runAndReadAll(
        `SELECT player_lookup, game_id, CAST(current_points_line AS DOUBLE) AS line FROM nba_analytics.upcoming_player_game_context WHERE game_date = '${gameDate}' AND has_prop_line ORDER BY 1`,
      )
    ).getRowObjectsJS();
    const rows = lined.flatMap((player, index) =>
      ['catboost_v8', 'moving_average'].map((system) => ({
        prediction_id: `${system}-${index}`,
        batch_id: 'b',
        message_id: `m${index}`,
        system_id: system,
        model_version: `${system}_v`,
        player_lookup: player.player_lookup,
        game_id: player.game_id,
        game_date: gameDate,
        prediction_version: 1,
        current_points_line: player.line,
        has_prop_line: true,
        line_source: 'ACTUAL_PROP',
        sportsbook: 'DRAFTKINGS',
        predicted_points: Number(player.line) + (system === 'catboost_v8' ? 3 : 0),
        confidence_score: 0.7,
        recommendation: system === 'catboost_v8' ? 'OVER' : 'PASS',
        line_margin: 3,
        is_actionable: true,
        filter_reason: null,
        feature_quality_score: 90,
        is_fallback: false,
        details: '{}',
        is_active: true,
        created_at: `${gameDate}T18:00:00Z`,
        fencing_token: 1,
      })),
    );
    await insertRows(connection, PLAYER_PROP_PREDICTIONS, rows);
    return rows.length;
  });
}
