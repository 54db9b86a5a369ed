import { randomBytes } from 'node:crypto';
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { PREDICTION_ACCURACY, PLAYER_PROP_PREDICTIONS, PREDICTION_BATCHES, datasetName } from '@props/warehouse';
import { declareFirestore } from './firestore';
import { declareIdentities, type Identities, type Identity } from './identities';
import { declareSubscriptions, declareTopics, type Messaging } from './messaging';
import { declareMonitoring, readMonitoring } from './monitoring';
import { environmentNames, type EnvironmentNames } from './names';
import { DEPLOYER_ACCOUNT } from './platform';
import { declareSchedules, scheduledCalls } from './schedules';
import {
  coordinatorEnvironment,
  declareJob,
  declareService,
  jobEnvironment,
  jobTasks,
  workerEnvironment,
} from './services';
import type { EnvironmentSettings } from './settings';
import { declareReportsBucket } from './reports';
import { declareWarehouse, type Warehouse } from './warehouse';

/** One environment: production, or staging beside it in the same project with its own names, datasets and database. */
export function declareEnvironment(settings: EnvironmentSettings): {
  coordinatorUrl: pulumi.Output<string>;
  workerUrl: pulumi.Output<string>;
  datasetPrefix: string;
  firestoreDatabase: string;
} {
  const names = environmentNames(settings);
  const project = settings.project;
  const identities = declareIdentities(settings, names);
  const { accounts } = identities;
  const messaging = declareTopics(settings, names);
  const warehouse = declareWarehouse(settings, names.datasetPrefix);
  declareFirestore(settings, names.firestoreDatabase);
  declareReportsBucket(settings, names, identities);

  const { apiKey, apiKeyAccess, apiKeyVersion } = declareApiKey(settings, names, accounts);

  grantTopicAccess(settings, names, messaging, accounts);
  grantDatasetAccess(settings, names, warehouse, accounts);
  if (settings.environment === 'staging') grantSmokeAccess(settings, names, apiKey, warehouse);

  const coordinator = declareService(
    settings,
    'coordinator',
    names.coordinator,
    names.coordinatorAudience,
    accounts.coordinator.email,
    coordinatorEnvironment(settings, names, identities),
    [apiKeyAccess, apiKeyVersion],
  );
  const worker = declareService(
    settings,
    'worker',
    names.worker,
    names.workerAudience,
    accounts.worker.email,
    workerEnvironment(settings, names, identities),
    [],
  );
  grantDeployer(settings, names, accounts, { coordinator, worker });
  for (const [service, callers] of [
    [coordinator, ['pusher', 'scheduler']],
    [worker, ['pusher']],
  ] as const) {
    for (const caller of callers) {
      new gcp.cloudrunv2.ServiceIamMember(
        `${service === coordinator ? names.coordinator : names.worker}-${caller}-invoker`,
        {
          project,
          location: settings.region,
          name: service.name,
          role: 'roles/run.invoker',
          member: accounts[caller].member,
        },
      );
    }
  }
  const jobs: Record<string, gcp.cloudrunv2.Job> = {};
  for (const [job, args] of Object.entries(jobTasks(names))) {
    const declared = declareJob(settings, job, args, accounts.cli.email, jobEnvironment(settings, names));
    jobs[job] = declared;
    new gcp.cloudrunv2.JobIamMember(`${job}-scheduler-invoker`, {
      project,
      location: settings.region,
      name: declared.name,
      role: 'roles/run.invoker',
      member: accounts.scheduler.member,
    });
  }

  const projectNumber = gcp.organizations.getProjectOutput({ projectId: project }).number;
  declareSubscriptions(
    settings,
    names,
    messaging,
    identities,
    { workerUrl: worker.uri, coordinatorUrl: coordinator.uri },
    projectNumber,
  );
  declareSchedules(settings, names, scheduledCalls(settings, names), {
    coordinator,
    jobs,
    schedulerEmail: accounts.scheduler.email,
  });

  if (settings.environment === 'production') {
    declareMonitoring(settings, readMonitoring(), [
      names.subscriptions.requestDeadLetter,
      names.subscriptions.completionDeadLetter,
    ]);
  }
  return {
    coordinatorUrl: coordinator.uri,
    workerUrl: worker.uri,
    datasetPrefix: names.datasetPrefix,
    firestoreDatabase: names.firestoreDatabase,
  };
}

type Accounts = Identities['accounts'];

function declareApiKey(settings: EnvironmentSettings, names: EnvironmentNames, accounts: Accounts) {
  const { project } = settings;
  // The coordinator's API key and its first version: the coordinator reads `latest`, which must exist
  // before its first revision starts. The value is generated once (kept encrypted in the stack's
  // state as a secret) and never changed by a later update (ignoreChanges); an operator rotates it by
  // adding a version (docs/operations/environment.md).
  const apiKey = new gcp.secretmanager.Secret(names.apiKeySecret, {
    project,
    secretId: names.apiKeySecret,
    replication: { auto: {} },
  });
  const apiKeyVersion = new gcp.secretmanager.SecretVersion(
    `${names.apiKeySecret}-initial`,
    { secret: apiKey.id, secretData: pulumi.secret(randomBytes(24).toString('hex')) },
    { ignoreChanges: ['secretData'] },
  );
  const apiKeyAccess = new gcp.secretmanager.SecretIamMember(`${names.apiKeySecret}-coordinator`, {
    project,
    secretId: apiKey.secretId,
    role: 'roles/secretmanager.secretAccessor',
    member: accounts.coordinator.member,
  });
  return { apiKey, apiKeyAccess, apiKeyVersion };
}

function grantTopicAccess(
  settings: EnvironmentSettings,
  names: EnvironmentNames,
  messaging: Messaging,
  accounts: Accounts,
) {
  const { project } = settings;
  // Pub/Sub on the topics themselves: publish where each service publishes, and read the topic (readiness checks it exists).
  const topicGrants: Array<[keyof typeof messaging.topics, Identity]> = [
    ['predictionRequest', 'coordinator'],
    ['predictionsComplete', 'coordinator'],
    ['predictionReady', 'worker'],
  ];
  for (const [topic, identity] of topicGrants) {
    for (const role of ['roles/pubsub.publisher', 'roles/pubsub.viewer']) {
      new gcp.pubsub.TopicIAMMember(`${names.topics[topic]}-${identity}-${role.split('.')[1]}`, {
        project,
        topic: messaging.topics[topic].name,
        role,
        member: accounts[identity].member,
      });
    }
  }
}

function grantDatasetAccess(
  settings: EnvironmentSettings,
  names: EnvironmentNames,
  warehouse: Warehouse,
  accounts: Accounts,
) {
  const { project } = settings;
  // BigQuery on the datasets: read the inputs, write predictions and bookkeeping where each one writes.
  const writes: Record<'coordinator' | 'worker' | 'cli', string[]> = {
    coordinator: [
      datasetName(PLAYER_PROP_PREDICTIONS, names.datasetPrefix),
      datasetName(PREDICTION_BATCHES, names.datasetPrefix),
    ],
    worker: [datasetName(PLAYER_PROP_PREDICTIONS, names.datasetPrefix)],
    cli: [datasetName(PREDICTION_ACCURACY, names.datasetPrefix), datasetName(PREDICTION_BATCHES, names.datasetPrefix)],
  };
  for (const [identity, written] of Object.entries(writes) as Array<[keyof typeof writes, string[]]>) {
    for (const [dataset, resource] of warehouse.datasets) {
      if (identity === 'worker' && !written.includes(dataset)) continue;
      const role = written.includes(dataset) ? 'roles/bigquery.dataEditor' : 'roles/bigquery.dataViewer';
      new gcp.bigquery.DatasetIamMember(`${dataset}-${identity}-${role.split('.')[1]}`, {
        project,
        datasetId: resource.datasetId,
        role,
        member: accounts[identity].member,
      });
    }
  }
}

/**
 * The deploy identity (props-deployer, created by the platform stack, never by an environment's) deploys revisions that run as this environment's runtime
 * identities, which needs iam.serviceAccounts.actAs on each (Service Account User on those accounts
 * only, never project-wide: https://cloud.google.com/run/docs/reference/iam/roles#additional-configuration),
 * and probes the services' readiness, which needs run.routes.invoke (Cloud Run Invoker on those
 * services; Cloud Run Developer does not invoke: https://cloud.google.com/run/docs/securing/managing-access).
 */
function grantDeployer(
  settings: EnvironmentSettings,
  names: EnvironmentNames,
  accounts: Accounts,
  services: { coordinator: gcp.cloudrunv2.Service; worker: gcp.cloudrunv2.Service },
) {
  const deployer = `serviceAccount:${DEPLOYER_ACCOUNT}@${settings.project}.iam.gserviceaccount.com`;
  for (const identity of ['coordinator', 'worker', 'cli'] as const) {
    new gcp.serviceaccount.IAMMember(`${names.account(identity)}-deployer-actAs`, {
      serviceAccountId: accounts[identity].name,
      role: 'roles/iam.serviceAccountUser',
      member: deployer,
    });
  }
  for (const [app, service] of Object.entries(services)) {
    new gcp.cloudrunv2.ServiceIamMember(
      `${app === 'coordinator' ? names.coordinator : names.worker}-deployer-invoker`,
      {
        project: settings.project,
        location: settings.region,
        name: service.name,
        role: 'roles/run.invoker',
        member: deployer,
      },
    );
  }
}

function grantSmokeAccess(
  settings: EnvironmentSettings,
  names: EnvironmentNames,
  apiKey: gcp.secretmanager.Secret,
  warehouse: Warehouse,
) {
  const { project } = settings;
  // The deploy workflow's smoke batch: it reads staging's API key and verifies what landed in staging's datasets.
  const deployer = `serviceAccount:${DEPLOYER_ACCOUNT}@${project}.iam.gserviceaccount.com`;
  new gcp.secretmanager.SecretIamMember(`${names.apiKeySecret}-deployer`, {
    project,
    secretId: apiKey.secretId,
    role: 'roles/secretmanager.secretAccessor',
    member: deployer,
  });
  for (const [dataset, resource] of warehouse.datasets) {
    new gcp.bigquery.DatasetIamMember(`${dataset}-deployer-dataViewer`, {
      project,
      datasetId: resource.datasetId,
      role: 'roles/bigquery.dataViewer',
      member: deployer,
    });
  }
}
