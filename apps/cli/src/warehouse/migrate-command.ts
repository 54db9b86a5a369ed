import { BACKEND_ENVIRONMENT, WAREHOUSE_OPTIONS } from '../command-docs';
import { z } from 'zod';
import { parseEnvironment, variables } from '@props/configuration';
import { bigQueryClient } from '@props/gcp-clients';
import { MigrationRefusedError, migrateBigQueryWarehouse, migrateDuckdbWarehouse, requireWarehouseFile, withWarehouse } from '@props/warehouse';
import { type CliCommand } from '../cli-command';
import { parseGradingArgs } from '../grading/warehouse-option';

const MigrationEnvironment = z
  .object({
    PROPS_BACKEND: variables.backend(),
    GCP_PROJECT_ID: z.string().min(1).optional(),
    PROPS_BIGQUERY_LOCATION: z.string().min(1).default('us-west2'),
    PROPS_BIGQUERY_ENDPOINT: variables.httpUrl().optional(),
  })
  .refine((value) => value.PROPS_BACKEND !== 'gcp' || value.GCP_PROJECT_ID !== undefined, { path: ['GCP_PROJECT_ID'], message: 'required with PROPS_BACKEND=gcp' });

export const migrateCommand: CliCommand = {
  words: ['warehouse', 'migrate'],
  summary: "bring the warehouse's tables to this build's shape, keeping every row (adds, never drops or retypes; safe to re-run)",
  usage: 'props warehouse migrate [--warehouse FILE] [--dataset-prefix P]   (PROPS_BACKEND=gcp: BigQuery)',
  options: WAREHOUSE_OPTIONS,
  environment: BACKEND_ENVIRONMENT,
  async run(args) {
    const { warehouse, prefix } = parseGradingArgs(args, {});
    const config = parseEnvironment(MigrationEnvironment, process.env);
    let changes: string[];
    try {
      if (config.PROPS_BACKEND === 'gcp') {
        changes = await migrateBigQueryWarehouse(bigQueryClient(config.GCP_PROJECT_ID!, config.PROPS_BIGQUERY_ENDPOINT), { projectId: config.GCP_PROJECT_ID!, location: config.PROPS_BIGQUERY_LOCATION, datasetPrefix: prefix });
      } else {
        requireWarehouseFile(warehouse);
        changes = await withWarehouse(warehouse, migrateDuckdbWarehouse);
      }
    } catch (error) {
      if (!(error instanceof MigrationRefusedError)) throw error;
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    const where = config.PROPS_BACKEND === 'gcp' ? `BigQuery project ${config.GCP_PROJECT_ID}` : warehouse;
    process.stdout.write(changes.length === 0 ? `${where}: every table already has this build's shape; nothing changed\n` : `${where}: migrated\n${changes.map((change) => `  ${change}`).join('\n')}\n`);
    return 0;
  },
};
