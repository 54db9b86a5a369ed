import { mapStackTracesThroughSourceMaps } from '@props/observability';
import { launchService } from '@props/service-runtime';
import { assembleCoordinator } from './assemble-coordinator';

const placeholderApiKey = 'build-check-placeholder';

// The images run without --enable-source-maps: stacks are mapped when they are formatted.
mapStackTracesThroughSourceMaps();
void launchService(process.argv.slice(2), {
  assemble: assembleCoordinator,
  buildCheckEnvironments: {
    local: { PROPS_API_KEY: placeholderApiKey },
    gcp: { PROPS_API_KEY: placeholderApiKey, GCP_PROJECT_ID: 'build-check' },
  },
});
