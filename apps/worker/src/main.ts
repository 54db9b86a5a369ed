import { mapStackTracesThroughSourceMaps } from '@props/observability';
import { launchService } from '@props/service-runtime';
import { assembleWorker } from './assemble-worker';

// The images run without --enable-source-maps: stacks are mapped when they are formatted.
mapStackTracesThroughSourceMaps();
void launchService(process.argv.slice(2), {
  assemble: assembleWorker,
  buildCheckEnvironments: {
    local: { PROPS_PUSH_AUTH: 'none', HOST: '127.0.0.1' },
    gcp: {
      GCP_PROJECT_ID: 'build-check',
      PROPS_PUSH_AUTH: 'oidc',
      PROPS_OIDC_AUDIENCE: 'https://build-check.invalid',
      PROPS_OIDC_SERVICE_ACCOUNTS: 'build-check@build-check.invalid',
    },
  },
});
