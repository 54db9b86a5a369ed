import type { ColumnDefinition, ColumnType, TableDefinition } from '@props/warehouse';

const column = (name: string, kind: ColumnType['kind'], required: boolean, description?: string): ColumnDefinition => ({
  name,
  type: { kind } as ColumnType,
  required,
  description,
});

/**
 * What `props shadow` writes, one row per system and run, in the prefixed predictions dataset it
 * compared (docs/parity.md): coverage on each side, the predicted-points difference, recommendation
 * agreement and OVER/UNDER flips, and the differences classified against the departures table.
 */
export const SHADOW_COMPARISONS: TableDefinition = {
  dataset: 'nba_predictions',
  name: 'shadow_comparisons',
  description: "This project's predictions of a date against the original's, per system (props shadow)",
  key: ['game_date', 'system_id', 'compared_at'],
  partitionBy: 'game_date',
  columns: [
    column('game_date', 'DATE', true),
    column('system_id', 'STRING', true),
    column('compared_at', 'TIMESTAMP', true),
    column('original_table', 'STRING', true, 'dataset.table of the original rows'),
    column('our_table', 'STRING', true, "dataset.table of this project's rows"),
    column('original_players', 'INT64', true),
    column('our_players', 'INT64', true),
    column('both_players', 'INT64', true),
    column('mean_abs_points_diff', 'FLOAT64', false, 'over players both sides predicted; NULL when none'),
    column('max_abs_points_diff', 'FLOAT64', false),
    column(
      'recommendation_agreement',
      'FLOAT64',
      false,
      'share of players both sides predicted with the same recommendation',
    ),
    column('over_under_flips', 'INT64', true, 'players one side calls OVER and the other UNDER'),
    column('explained_differences', 'INT64', true),
    column('unexplained_differences', 'INT64', true),
    column('departures', 'STRING', true, 'JSON: differences per departure id'),
    column('unexplained_examples', 'STRING', true, 'JSON: up to 10 unexplained differences'),
  ],
};
