// The Pulumi program: `pulumi up --stack platform`, `--stack staging` or `--stack production` from infra/ (docs/operations/environment.md).
import * as pulumi from '@pulumi/pulumi';
import { adoptOriginal } from './adoption';
import { declareApis, waitForApis } from './apis';
import { declareEnvironment } from './environment';
import { declarePlatform } from './platform';
import { settingsFromStack, type EnvironmentSettings, type PlatformSettings } from './settings';

let settings: EnvironmentSettings | PlatformSettings;
try {
  settings = settingsFromStack();
} catch (error) {
  // A RunError is printed as its one line, without a stack trace (@pulumi/pulumi cmd/run/run.js).
  throw new pulumi.RunError(error instanceof Error ? error.message : String(error));
}
waitForApis(declareApis(settings));

function declareStack(stack: EnvironmentSettings | PlatformSettings) {
  if (stack.environment === 'platform') {
    declarePlatform(stack);
    return {};
  }
  adoptOriginal(stack);
  const environment = declareEnvironment(stack);
  return {
    coordinatorUrl: environment.coordinatorUrl,
    workerUrl: environment.workerUrl,
    datasetPrefix: environment.datasetPrefix,
    firestoreDatabase: environment.firestoreDatabase,
  };
}
const outputs = declareStack(settings);

export const coordinatorUrl = outputs.coordinatorUrl;
export const workerUrl = outputs.workerUrl;
export const datasetPrefix = outputs.datasetPrefix;
export const firestoreDatabase = outputs.firestoreDatabase;
