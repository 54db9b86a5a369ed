import * as gcp from '@pulumi/gcp';
import type { EnvironmentSettings } from './settings';

/** The collections whose documents carry `expire_at` (FirestoreBatchState): batch headers, their messages and completions. */
export const TTL_COLLECTIONS = ['prediction_batches', 'messages', 'completions'];

/**
 * The environment's Firestore database (production's is `(default)`, which the Python grading's
 * locks share during the cutover) and the TTL on batch records: a batch's documents carry
 * `expire_at`, BATCH_RECORD_TTL_DAYS after it started, and Firestore deletes them after that.
 */
export function declareFirestore(settings: EnvironmentSettings, database: string): gcp.firestore.Database {
  const created = new gcp.firestore.Database(`firestore-${database.replace(/[()]/g, '')}`, {
    name: database,
    project: settings.project,
    locationId: settings.region,
    type: 'FIRESTORE_NATIVE',
    concurrencyMode: 'PESSIMISTIC',
    deleteProtectionState:
      settings.environment === 'production' ? 'DELETE_PROTECTION_ENABLED' : 'DELETE_PROTECTION_DISABLED',
  });
  for (const collection of TTL_COLLECTIONS) {
    new gcp.firestore.Field(
      `firestore-${database.replace(/[()]/g, '')}-${collection}-ttl`,
      {
        project: settings.project,
        database: created.name,
        collection,
        field: 'expire_at',
        ttlConfig: {},
        indexConfig: {},
      },
      { dependsOn: [created] },
    );
  }
  return created;
}
