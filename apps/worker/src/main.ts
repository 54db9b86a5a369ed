import { launchService } from '@props/service-runtime';
import { assembleWorker } from './assemble-worker';

void launchService(process.argv.slice(2), () => assembleWorker(process.env));
