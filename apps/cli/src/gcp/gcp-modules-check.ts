import type { ReadinessCheck } from '@props/service-runtime';
import { gcpOnDemand } from './gcp-on-demand';

/**
 * The modules a command imports only on gcp (`gcpOnDemand`: the Google clients and what wraps
 * them), loaded at image build: a bundle missing one fails `--build-check`, not a Cloud Run job at its first gcp
 * call. Loading them constructs no client and needs no credentials.
 */
export const gcpModulesCheck: ReadinessCheck = {
  name: 'gcp modules',
  buildTime: true,
  run: async () => {
    const loaded = await Promise.all(Object.values(gcpOnDemand).map((load) => load()));
    return { status: 'ok', detail: `${loaded.length} modules the gcp commands import on demand load` };
  },
};
