import type { BigQuery } from '@google-cloud/bigquery';
import {
  REJECTED_MESSAGES_TABLE,
  REJECTIONS_STORED_PER_BATCH,
  UNATTRIBUTED_REJECTIONS,
  rejectionBatchKey,
  type RejectedMessage,
} from '@props/contracts';

const COLUMNS = [
  'rejected_at',
  'service',
  'subscription',
  'delivery_id',
  'message_id',
  'field',
  'problem',
  'body',
] as const;

/** A logical id whose batch part rejectionBatchKey accepts (the same rule, in RE2). */
const ATTRIBUTED_MESSAGE_ID = '^[A-Za-z0-9_-]{1,128}[.]';

/**
 * Rejected push messages as rows of `<predictions dataset>.rejected_messages` (one DML insert each;
 * rejections are rare), at most REJECTIONS_STORED_PER_BATCH per batch: a batch's rows are those whose `message_id` starts
 * with `<batch>.`, the unattributed ones those without a `message_id` of that form. Past the cap a
 * rejection is counted in this instance only; the first one counted is what the caller alerts on.
 */
export class BigQueryRejectedMessageStore {
  readonly name = 'bigquery';
  private readonly overCap = new Map<string, number>();

  constructor(
    private readonly client: BigQuery,
    private readonly options: {
      projectId: string;
      dataset: string;
      location: string;
    },
  ) {}

  private get table(): string {
    return `\`${this.options.projectId}.${this.options.dataset}.${REJECTED_MESSAGES_TABLE}\``;
  }

  private async query(sql: string, params: Record<string, unknown>, types: Record<string, string> = {}) {
    const [job] = await this.client.createQueryJob({ query: sql, params, types, location: this.options.location });
    const [rows] = await job.getQueryResults();
    return rows as Array<Record<string, unknown>>;
  }

  async record(rejection: RejectedMessage): Promise<{ stored: true } | { stored: false; overCap: number }> {
    const batch = rejectionBatchKey(rejection);
    const ofBatch =
      batch === UNATTRIBUTED_REJECTIONS
        ? "NOT REGEXP_CONTAINS(IFNULL(message_id, ''), @attributed)"
        : 'STARTS_WITH(message_id, @prefix)';
    const [count] = await this.query(`SELECT COUNT(*) AS stored FROM ${this.table} WHERE ${ofBatch}`, {
      prefix: `${batch}.`,
      attributed: ATTRIBUTED_MESSAGE_ID,
    });
    if (Number(count?.stored ?? 0) >= REJECTIONS_STORED_PER_BATCH) {
      const counted = (this.overCap.get(batch) ?? 0) + 1;
      this.overCap.set(batch, counted);
      return { stored: false, overCap: counted };
    }
    await this.query(
      `INSERT INTO ${this.table} (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((column) => `@${column}`).join(', ')})`,
      { ...rejection, rejected_at: this.client.timestamp(rejection.rejected_at) },
      { subscription: 'STRING', delivery_id: 'STRING', message_id: 'STRING' },
    );
    return { stored: true };
  }

  async removeOlderThan(cutoff: Date): Promise<number> {
    const params = { cutoff: this.client.timestamp(cutoff.toISOString()) };
    const [count] = await this.query(`SELECT COUNT(*) AS stale FROM ${this.table} WHERE rejected_at < @cutoff`, params);
    await this.query(`DELETE FROM ${this.table} WHERE rejected_at < @cutoff`, params);
    return Number(count?.stale ?? 0);
  }
}
