import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BigQuery, Table, TableField } from '@google-cloud/bigquery';
import { errorMessage, type PredictionRow } from '@props/contracts';
import { stagingPerPrefix, type StagingFor } from '../staging-for-prefix';
import { StagingWriteError, type StagedRows, type StagingStore } from '../staging-store';

export interface BigQueryStagingOptions {
  /** The dataset holding player_prop_predictions (nba_predictions, or P_nba_predictions). */
  dataset: string;
  location: string;
}

const PREDICTIONS = 'player_prop_predictions';
/**
 * Ids as table-name text, reversibly: `_` → `__`, `.` → `_d`, `-` → `_h`, `:` → `_c` (the only
 * characters ids may hold besides letters and digits), so `a-b` and `a_b` never share a table.
 */
export function stagingTableSuffix(id: string): string {
  if (!/^[A-Za-z0-9._:-]{1,200}$/.test(id))
    throw new StagingWriteError(`staging: id "${id}" may hold only letters, digits, ".", "_", ":" and "-"`);
  return id.replace(/[_.:-]/g, (character) => ({ _: '__', '.': '_d', '-': '_h', ':': '_c' })[character]!);
}

function fromTableSuffix(suffix: string): string {
  return suffix.replace(/_(.)/g, (_, code: string) => ({ _: '_', d: '.', h: '-', c: ':' })[code] ?? `_${code}`);
}

/** The staging table of one request; consolidation merges straight from these tables. */
export function stagingTableName(batchId: string, messageId: string): string {
  return `${stagingTablePrefix(batchId)}${stagingTableSuffix(messageId)}`;
}

/**
 * What every staging table of a batch starts with (a wildcard over it reads the whole batch). The
 * encoding never yields `_m_`, so no other batch's tables share this prefix.
 */
export function stagingTablePrefix(batchId: string): string {
  return `_staging_${stagingTableSuffix(batchId)}_m_`;
}

/**
 * Staging on BigQuery: one table per request, `_staging_<batch>_<message>`, written by a load job
 * with WRITE_TRUNCATE (a redelivery replaces its rows) and the predictions table's schema less the
 * fencing token, which consolidation adds.
 */
export class BigQueryStagingStore implements StagingStore {
  readonly name = 'bigquery staging tables';
  private schema: Promise<TableField[]> | undefined;

  constructor(
    private readonly client: BigQuery,
    private readonly options: BigQueryStagingOptions,
  ) {}

  private stagingSchema(): Promise<TableField[]> {
    this.schema ??= this.client
      .dataset(this.options.dataset)
      .table(PREDICTIONS)
      .getMetadata()
      .then(([metadata]) =>
        ((metadata as { schema: { fields: TableField[] } }).schema.fields ?? []).filter(
          (field) => field.name !== 'fencing_token',
        ),
      );
    return this.schema;
  }

  async write(batchId: string, messageId: string, rows: readonly PredictionRow[]): Promise<void> {
    const folder = mkdtempSync(join(tmpdir(), 'props-staging-'));
    try {
      const file = join(folder, 'rows.json');
      writeFileSync(file, rows.map((row) => JSON.stringify(row)).join('\n'));
      await this.client
        .dataset(this.options.dataset)
        .table(stagingTableName(batchId, messageId))
        .load(file, {
          sourceFormat: 'NEWLINE_DELIMITED_JSON',
          writeDisposition: 'WRITE_TRUNCATE',
          createDisposition: 'CREATE_IF_NEEDED',
          schema: { fields: await this.stagingSchema() },
          location: this.options.location,
        });
    } catch (error) {
      this.schema = undefined;
      throw new StagingWriteError(
        `staging: load job into ${this.options.dataset}.${stagingTableName(batchId, messageId)} failed: ${errorMessage(error)}`,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }

  /** One load job per message, side by side, as the worker staged a group's players before. */
  async writeAll(batchId: string, staged: readonly StagedRows[]): Promise<void> {
    const writes = await Promise.allSettled(staged.map(({ messageId, rows }) => this.write(batchId, messageId, rows)));
    const failed = writes.find((write) => write.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async list(batchId: string): Promise<string[]> {
    const [tables] = await this.client.dataset(this.options.dataset).getTables();
    const prefix = stagingTablePrefix(batchId);
    return tables
      .map((table) => table.id ?? '')
      .filter((id) => id.startsWith(prefix))
      .map((id) => fromTableSuffix(id.slice(prefix.length)))
      .sort();
  }

  /**
   * Staging tables last written before the cutoff. tables.list gives only each table's creationTime,
   * which a redelivery's WRITE_TRUNCATE load leaves as it was: a table created before the cutoff is
   * removed only if its lastModifiedTime (tables.get) is before it too
   * (https://cloud.google.com/bigquery/docs/reference/rest/v2/tables#Table). A table gone meanwhile
   * (its batch consolidated) is passed over; one rewritten between that read and the delete, a
   * window of one request, would still go, as a folder does locally.
   */
  async removeStale(cutoff: Date): Promise<string[]> {
    const before = (time: unknown) => Number(time ?? Number.POSITIVE_INFINITY) < cutoff.getTime();
    const [tables] = await this.client.dataset(this.options.dataset).getTables();
    const removed: string[] = [];
    for (const table of tables) {
      if (!(table.id ?? '').startsWith('_staging_') || !before(table.metadata?.creationTime)) continue;
      const written = await lastWritten(table);
      if (written === 'gone' || !before(written)) continue;
      await table.delete({ ignoreNotFound: true });
      removed.push(`${this.options.dataset}.${table.id}`);
    }
    return removed;
  }

  async remove(batchId: string, messageIds: readonly string[]): Promise<void> {
    for (const messageId of messageIds)
      await this.client
        .dataset(this.options.dataset)
        .table(stagingTableName(batchId, messageId))
        .delete({ ignoreNotFound: true });
  }
}

/** Staging tables in each prefix's predictions dataset (`nba_predictions` or `<prefix>_nba_predictions`). */
export function bigQueryStagingFor(client: BigQuery, location: string): StagingFor<BigQueryStagingStore> {
  return stagingPerPrefix(
    (datasetPrefix) =>
      new BigQueryStagingStore(client, {
        dataset: datasetPrefix ? `${datasetPrefix}_nba_predictions` : 'nba_predictions',
        location,
      }),
  );
}

/** A table's lastModifiedTime (ms since the epoch, as a string), or 'gone' if it was deleted since it was listed. */
async function lastWritten(table: Table): Promise<string | undefined | 'gone'> {
  try {
    const [metadata] = await table.getMetadata();
    return (metadata as { lastModifiedTime?: string }).lastModifiedTime;
  } catch (error) {
    if ((error as { code?: unknown }).code === 404) return 'gone';
    throw error;
  }
}
