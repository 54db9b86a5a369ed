import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WAREHOUSE_TABLES, datasetName, renderBigQuerySchema, renderDuckdbDdl } from '@props/warehouse';
import { UsageError, parseCommandArgs, type CliCommand } from '../cli-command';
import { checkedDatasetPrefix } from '../dataset-prefix-option';

export const schemaCommand: CliCommand = {
  words: ['warehouse', 'schema'],
  summary: 'write the table definitions as BigQuery schema files (for bq mk) or print them as DuckDB DDL',
  usage: 'props warehouse schema (--bigquery DIR | --duckdb) [--dataset-prefix P]',
  options: [
    ['--bigquery DIR', 'write one schema JSON per table there and print the bq mk lines'],
    ['--duckdb', 'print the DuckDB DDL'],
    ['--dataset-prefix P', 'render the prefixed datasets'],
  ],
  async run(args) {
    const { values } = parseCommandArgs({
      args: [...args],
      options: {
        bigquery: { type: 'string' },
        duckdb: { type: 'boolean' },
        'dataset-prefix': { type: 'string', default: '' },
      },
    });
    const prefix = checkedDatasetPrefix(values['dataset-prefix'], '--dataset-prefix');
    if (values.duckdb) {
      process.stdout.write(`${WAREHOUSE_TABLES.map((table) => renderDuckdbDdl(table, prefix)).join('\n\n')}\n`);
      return 0;
    }
    if (!values.bigquery) throw new UsageError('choose --bigquery DIR or --duckdb');
    const folder = resolve(values.bigquery);
    mkdirSync(folder, { recursive: true });
    for (const table of WAREHOUSE_TABLES) {
      const file = join(folder, `${datasetName(table, prefix)}.${table.name}.json`);
      writeFileSync(file, `${JSON.stringify(renderBigQuerySchema(table), null, 2)}\n`);
      const partition = table.partitionBy ? ` --time_partitioning_field ${table.partitionBy}` : '';
      process.stdout.write(
        `bq mk --table${partition} --clustering_fields ${table.key.slice(0, 4).join(',')} ${datasetName(table, prefix)}.${table.name} ${file}\n`,
      );
    }
    return 0;
  },
};
