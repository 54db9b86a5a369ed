/**
 * `@props/gcp-clients` imported on first use, so only a command that runs on gcp loads the Google
 * client stack (statically imported, it cost every local command ~0.2 s of its start).
 */
export const gcpClients = () => import('@props/gcp-clients');
