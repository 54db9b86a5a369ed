// The Pulumi program: `pulumi up --stack staging` or `--stack production` from infra/ (docs/operations/environment.md).
import * as pulumi from '@pulumi/pulumi';
import { adoptOriginal } from './adoption';
import { declareApis, waitForApis } from './apis';
import { declareEnvironment } from './environment';
import { settingsFromStack, type EnvironmentSettings } from './settings';

let settings: EnvironmentSettings;
try {
  settings = settingsFromStack();
} catch (error) {
  // A RunError is printed as its one line, without a stack trace (@pulumi/pulumi cmd/run/run.js).
  throw new pulumi.RunError(error instanceof Error ? error.message : String(error));
}
waitForApis(declareApis(settings));
adoptOriginal(settings);
const environment = declareEnvironment(settings);

export const coordinatorUrl = environment.coordinatorUrl;
export const workerUrl = environment.workerUrl;
export const datasetPrefix = environment.datasetPrefix;
export const firestoreDatabase = environment.firestoreDatabase;
