/**
 * Every module a command imports only on gcp (the Google client stack and what wraps it), each
 * loaded on first use: imported statically, they cost every local command ~0.2 s of its start.
 * The CLI's `--build-check` loads each one listed here (gcp-modules-check.ts), so a command
 * takes such a module through this list, never through an `import()` of its own.
 */
export const gcpOnDemand = {
  backfillPorts: () => import('./gcp-backfill-ports'),
  gradingLock: () => import('./firestore-grading-lock'),
  warehouseReads: () => import('./bigquery-warehouse-reads'),
  shadowWarehouse: () => import('./bigquery-shadow-warehouse'),
  cloudReach: () => import('./cloud-reach'),
  clients: () => import('@props/gcp-clients'),
  storage: () => import('@google-cloud/storage'),
};
