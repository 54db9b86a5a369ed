import { WAREHOUSE_TABLES, datasetName } from '@props/warehouse';

/** The environment's datasets (libs/warehouse), by prefix. */
export const DATASET_GROUPS = {
  all: (prefix: string) => [...new Set(WAREHOUSE_TABLES.map((table) => datasetName(table, prefix)))].sort(),
};
