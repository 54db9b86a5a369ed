// The Pulumi program: `pulumi up --stack staging` or `--stack production` from infra/ (README, "stand up a new environment").
import { declareEnvironment } from './environment';
import { settingsFromStack } from './settings';

const environment = declareEnvironment(settingsFromStack());

export const coordinatorUrl = environment.coordinatorUrl;
export const workerUrl = environment.workerUrl;
export const datasetPrefix = environment.datasetPrefix;
export const firestoreDatabase = environment.firestoreDatabase;
