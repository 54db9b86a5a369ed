import { ServiceError, isCalendarDate } from '@props/contracts';
import { parseEnvironment } from '@props/configuration';
import { LogEvent, createLogger } from '@props/observability';
import { ML_FEATURE_STORE, PLAYER_GAME_SUMMARY, PLAYER_PROP_PREDICTIONS, datasetName } from '@props/warehouse';
import { UsageError, parseCommandArgs, type CliCommand } from '../cli-command';
import { BACKEND_ENVIRONMENT } from '../command-docs';
import { checkedDatasetPrefix, datasetPrefixOption } from '../dataset-prefix-option';
import { backendEnvironment } from '../backend-environment';
import { gcpOnDemand } from '../gcp/gcp-on-demand';
import { gradingDates } from '../grading/grading-dates';
import { defaultWarehouse } from '../grading/warehouse-option';
import { DuckdbShadowWarehouse } from '../local/duckdb-shadow-warehouse';
import { compareShadow, shadowReport, type ShadowComparison } from './shadow-comparison';
import { SHADOW_COMPARISONS } from './shadow-table';
import type { ShadowWarehouse } from './shadow-warehouse';

const ShadowEnvironment = backendEnvironment({});
const HISTORY_DAYS = 90;

/** Bad input to shadow (a missing table, a date without rows): one line naming it, exit 1. */
export class ShadowInputError extends ServiceError {
  override readonly name = 'ShadowInputError';
  constructor(message: string) {
    super('shadow_input', message);
  }
}

async function shadowWarehouse(env: NodeJS.ProcessEnv, warehouse: string): Promise<ShadowWarehouse> {
  const config = parseEnvironment(ShadowEnvironment, env);
  if (config.PROPS_BACKEND === 'gcp') {
    const { BigQueryShadowWarehouse } = await gcpOnDemand.shadowWarehouse();
    return new BigQueryShadowWarehouse(
      (await gcpOnDemand.clients()).bigQueryClient(config.GCP_PROJECT_ID!, config.PROPS_BIGQUERY_ENDPOINT),
      { projectId: config.GCP_PROJECT_ID!, location: config.PROPS_BIGQUERY_LOCATION },
    );
  }
  return new DuckdbShadowWarehouse(warehouse);
}

function daysBefore(gameDate: string, days: number): string {
  return new Date(Date.parse(`${gameDate}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

export interface ShadowOptions {
  gameDate: string;
  prefix: string;
  originalPrefix: string;
  maxUnexplained: number;
}

/**
 * Compares the date's predictions in the prefixed dataset with the original's table, classifies
 * every difference against the departures table, and appends one row per system to
 * <prefix>_nba_predictions.shadow_comparisons.
 */
export async function runShadow(
  warehouse: ShadowWarehouse,
  options: ShadowOptions,
): Promise<{ comparison: ShadowComparison; tables: { original: string; ours: string } }> {
  const { gameDate, prefix, originalPrefix } = options;
  const ourDataset = datasetName(PLAYER_PROP_PREDICTIONS, prefix);
  const originalDataset = datasetName(PLAYER_PROP_PREDICTIONS, originalPrefix);
  const tables = {
    ours: `${ourDataset}.${PLAYER_PROP_PREDICTIONS.name}`,
    original: `${originalDataset}.${PLAYER_PROP_PREDICTIONS.name}`,
  };
  if (!(await warehouse.tableExists(ourDataset, PLAYER_PROP_PREDICTIONS.name)))
    throw new ShadowInputError(
      `--dataset-prefix ${prefix}: ${tables.ours} does not exist (run this project's batches with that prefix first)`,
    );
  if (!(await warehouse.tableExists(originalDataset, PLAYER_PROP_PREDICTIONS.name)))
    throw new ShadowInputError(`the original's table ${tables.original} does not exist`);
  const original = await warehouse.predictions(originalDataset, gameDate);
  if (original.length === 0)
    throw new ShadowInputError(`--date ${gameDate}: the original's table ${tables.original} has no rows for the date`);
  const ours = await warehouse.predictions(ourDataset, gameDate);
  if (ours.length === 0) throw new ShadowInputError(`--date ${gameDate}: ${tables.ours} has no rows for the date`);

  // The departures' predicates read a player's inputs: the vector, the line and the history the
  // prefixed batch predicted from (the prefix's tables where it has them, else production's).
  const inputDataset = async (table: typeof ML_FEATURE_STORE) => {
    const prefixed = datasetName(table, prefix);
    return (await warehouse.tableExists(prefixed, table.name)) ? prefixed : datasetName(table, originalPrefix);
  };
  const features = await warehouse.features(await inputDataset(ML_FEATURE_STORE), gameDate);
  const history = await warehouse.history(
    await inputDataset(PLAYER_GAME_SUMMARY),
    gameDate,
    daysBefore(gameDate, HISTORY_DAYS),
  );
  const lines = new Map<string, { line: number | null; line_source: string | null }>();
  for (const row of [...original, ...ours]) lines.set(row.player_lookup, row);
  const requests = new Map<string, unknown>();
  for (const [player, line] of lines)
    requests.set(player, {
      player_lookup: player,
      game_date: gameDate,
      features: { values: features.get(player) ?? [] },
      line_values: line.line === null ? [] : [line.line],
      line_source: line.line_source,
      history: history.get(player) ?? [],
    });

  const comparison = compareShadow(gameDate, original, ours, requests);
  const comparedAt = new Date().toISOString();
  await warehouse.record(
    prefix,
    comparison.systems.map((system) => ({
      game_date: gameDate,
      system_id: system.systemId,
      compared_at: comparedAt,
      original_table: tables.original,
      our_table: tables.ours,
      original_players: system.originalPlayers,
      our_players: system.ourPlayers,
      both_players: system.bothPlayers,
      mean_abs_points_diff: system.meanAbsPointsDiff,
      max_abs_points_diff: system.maxAbsPointsDiff,
      recommendation_agreement: system.recommendationAgreement,
      over_under_flips: system.overUnderFlips,
      explained_differences: Object.values(system.explained).reduce((a, b) => a + b, 0),
      unexplained_differences: system.unexplained.length,
      departures: JSON.stringify(system.explained),
      unexplained_examples: JSON.stringify(system.unexplained.slice(0, 10)),
    })),
  );
  return { comparison, tables };
}

export const shadowCommand: CliCommand = {
  words: ['shadow'],
  summary:
    "compare a date's predictions in a prefixed dataset with the original's table, per system, against the departures table (docs/parity.md)",
  usage:
    'props shadow --date YYYY-MM-DD --dataset-prefix P [--original-prefix P] [--max-unexplained 0] [--json] [--warehouse FILE]',
  options: [
    ['--date D', 'the game date: YYYY-MM-DD, yesterday or today (America/New_York)'],
    ['--dataset-prefix P', "this project's shadow datasets (P_nba_predictions, ...); default $PROPS_DATASET_PREFIX"],
    ['--original-prefix P', "the original's datasets (default: production's, unprefixed)"],
    [
      '--max-unexplained N',
      'unexplained differences tolerated before shadow_unexplained_differences is logged and exit 1',
    ],
    ['--json', 'print the comparison as one JSON document instead of the report'],
    ['--warehouse FILE', 'the local DuckDB warehouse (default $PROPS_DATA_DIR/warehouse.duckdb, var/warehouse.duckdb)'],
  ],
  environment: BACKEND_ENVIRONMENT,
  async run(args) {
    const { values } = parseCommandArgs({
      args: [...args],
      options: {
        date: { type: 'string' },
        'dataset-prefix': { type: 'string' },
        'original-prefix': { type: 'string', default: '' },
        'max-unexplained': { type: 'string', default: '0' },
        json: { type: 'boolean', default: false },
        warehouse: { type: 'string' },
      },
    });
    if (values.date === undefined) throw new UsageError('--date is required');
    if (!['yesterday', 'today'].includes(values.date.toLowerCase()) && !isCalendarDate(values.date))
      throw new UsageError(`--date: expected YYYY-MM-DD, got ${values.date} (yesterday and today work too)`);
    const gameDate = gradingDates(values.date)[0]!;
    const prefix = datasetPrefixOption(values['dataset-prefix']);
    const originalPrefix = checkedDatasetPrefix(values['original-prefix'], '--original-prefix');
    if (!prefix) throw new UsageError('--dataset-prefix: shadow compares a prefixed dataset; give its prefix');
    if (prefix === originalPrefix) throw new UsageError('--dataset-prefix: the same datasets as --original-prefix');
    const maxUnexplained = Number(values['max-unexplained']);
    if (!Number.isInteger(maxUnexplained) || maxUnexplained < 0)
      throw new UsageError(
        `--max-unexplained: expected a whole number of differences, got ${values['max-unexplained']}`,
      );
    const warehouse = await shadowWarehouse(process.env, values.warehouse ?? defaultWarehouse());
    const { comparison, tables } = await runShadow(warehouse, { gameDate, prefix, originalPrefix, maxUnexplained });
    const resultTable = `${datasetName(SHADOW_COMPARISONS, prefix)}.${SHADOW_COMPARISONS.name}`;
    process.stdout.write(
      values.json
        ? `${JSON.stringify({ ...comparison, tables, result_table: resultTable }, null, 2)}\n`
        : `${shadowReport(comparison, tables)}\nwritten to ${resultTable}\n`,
    );
    const logger = createLogger({ service: 'cli', destination: 2 });
    if (comparison.unexplained > maxUnexplained) {
      logger.error(
        {
          event: LogEvent.shadowUnexplainedDifferences,
          game_date: gameDate,
          dataset_prefix: prefix,
          unexplained: comparison.unexplained,
          max_unexplained: maxUnexplained,
          systems: comparison.systems.filter((s) => s.unexplained.length > 0).map((s) => s.systemId),
        },
        'shadow: differences from the original that no departure explains',
      );
      return 1;
    }
    return 0;
  },
};
