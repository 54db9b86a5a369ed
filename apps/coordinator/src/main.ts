import { launchService } from '@props/service-runtime';
import { assembleCoordinator } from './assemble-coordinator';

const placeholderApiKey = 'build-check-placeholder';

void launchService(process.argv.slice(2), {
  assemble: assembleCoordinator,
  buildCheckEnvironments: {
    local: { PROPS_API_KEY: placeholderApiKey },
    gcp: { PROPS_API_KEY: placeholderApiKey, GCP_PROJECT_ID: 'build-check' },
  },
});
