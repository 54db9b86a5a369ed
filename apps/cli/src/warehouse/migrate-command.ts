import { parseEnvironment } from '@props/configuration';
import {
  MigrationRefusedError,
  migrateBigQueryWarehouse,
  migrateDuckdbWarehouse,
  requireWarehouseFile,
  withWarehouse,
} from '@props/warehouse';
import { backendEnvironment } from '../backend-environment';
import { type CliCommand } from '../cli-command';
import { BACKEND_ENVIRONMENT, WAREHOUSE_OPTIONS } from '../command-docs';
import { parseGradingArgs } from '../grading/warehouse-option';
import { gcpOnDemand } from '../gcp/gcp-on-demand';

const MigrationEnvironment = backendEnvironment({});

export const migrateCommand: CliCommand = {
  words: ['warehouse', 'migrate'],
  summary:
    "bring the warehouse's tables to this build's shape, keeping every row (adds, never drops or retypes; safe to re-run)",
  usage: 'props warehouse migrate [--warehouse FILE] [--dataset-prefix P]   (PROPS_BACKEND=gcp: BigQuery)',
  options: WAREHOUSE_OPTIONS,
  environment: BACKEND_ENVIRONMENT,
  async run(args) {
    const { warehouse, prefix } = parseGradingArgs(args, {});
    const config = parseEnvironment(MigrationEnvironment, process.env);
    let changes: string[];
    try {
      if (config.PROPS_BACKEND === 'gcp') {
        changes = await migrateBigQueryWarehouse(
          (await gcpOnDemand.clients()).bigQueryClient(config.GCP_PROJECT_ID!, config.PROPS_BIGQUERY_ENDPOINT),
          { projectId: config.GCP_PROJECT_ID!, location: config.PROPS_BIGQUERY_LOCATION, datasetPrefix: prefix },
        );
      } else {
        requireWarehouseFile(warehouse);
        changes = await withWarehouse(warehouse, (connection) => migrateDuckdbWarehouse(connection, prefix));
      }
    } catch (error) {
      if (!(error instanceof MigrationRefusedError)) throw error;
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    const where = config.PROPS_BACKEND === 'gcp' ? `BigQuery project ${config.GCP_PROJECT_ID}` : warehouse;
    process.stdout.write(
      changes.length === 0
        ? `${where}: every table already has this build's shape; nothing changed\n`
        : `${where}: migrated\n${changes.map((change) => `  ${change}`).join('\n')}\n`,
    );
    return 0;
  },
};
