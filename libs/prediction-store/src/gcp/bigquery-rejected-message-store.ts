import type { BigQuery } from '@google-cloud/bigquery';
import { REJECTED_MESSAGES_TABLE, type RejectedMessage } from '@props/contracts';

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

/** Rejected push messages as rows of `<predictions dataset>.rejected_messages` (one DML insert each; rejections are rare). */
export class BigQueryRejectedMessageStore {
  readonly name = 'bigquery';

  constructor(
    private readonly client: BigQuery,
    private readonly options: { projectId: string; dataset: string; location: string },
  ) {}

  async record(rejection: RejectedMessage): Promise<void> {
    const table = `\`${this.options.projectId}.${this.options.dataset}.${REJECTED_MESSAGES_TABLE}\``;
    const [job] = await this.client.createQueryJob({
      query: `INSERT INTO ${table} (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((column) => `@${column}`).join(', ')})`,
      params: { ...rejection, rejected_at: this.client.timestamp(rejection.rejected_at) },
      types: { subscription: 'STRING', delivery_id: 'STRING', message_id: 'STRING' },
      location: this.options.location,
    });
    await job.getQueryResults();
  }
}
