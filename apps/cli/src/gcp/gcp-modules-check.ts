import type { ReadinessCheck } from '@props/service-runtime';
import { gcpClients } from '../gcp-clients-on-demand';

/**
 * The modules a command imports only on gcp (the Google clients and what wraps them), loaded at
 * image build: a bundle missing one fails `--build-check`, not a Cloud Run job at its first gcp
 * call. Loading them constructs no client and needs no credentials.
 */
export const gcpModulesCheck: ReadinessCheck = {
  name: 'gcp modules',
  buildTime: true,
  run: async () => {
    const loaded = await Promise.all([
      import('./gcp-backfill-ports'),
      import('./firestore-grading-lock'),
      import('./bigquery-warehouse-reads'),
      import('./bigquery-shadow-warehouse'),
      import('./cloud-reach'),
      gcpClients(),
      import('@google-cloud/storage'),
    ]);
    return { status: 'ok', detail: `${loaded.length} modules the gcp commands import on demand load` };
  },
};
