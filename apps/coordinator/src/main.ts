import { launchService } from '@props/service-runtime';
import { assembleCoordinator } from './assemble-coordinator';

void launchService(process.argv.slice(2), () => assembleCoordinator(process.env));
