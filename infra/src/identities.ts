import * as gcp from '@pulumi/gcp';
import type { EnvironmentNames } from './names';
import type { EnvironmentSettings } from './settings';

/**
 * The project-level roles each runtime identity needs. Everything that can be granted on the
 * resource itself (a topic, a dataset, a secret, a service) is granted there instead, where the
 * resource is declared. Basic roles (owner, editor, viewer) are never granted.
 */
export const PROJECT_ROLES = {
  coordinator: ['roles/bigquery.jobUser', 'roles/datastore.user', 'roles/logging.logWriter'],
  worker: ['roles/bigquery.jobUser', 'roles/logging.logWriter'],
  cli: ['roles/bigquery.jobUser', 'roles/datastore.user', 'roles/logging.logWriter'],
  pusher: [],
  scheduler: [],
} as const;

export type Identity = keyof typeof PROJECT_ROLES;

export interface Identities {
  accounts: Record<Identity, gcp.serviceaccount.Account>;
}

const PURPOSE: Record<Identity, string> = {
  coordinator: 'runs the prediction coordinator',
  worker: 'runs the prediction worker',
  cli: 'runs the props jobs (grading, verify, staging cleanup, backfill)',
  pusher: 'signs Pub/Sub pushes to the services (OIDC)',
  scheduler: 'signs Cloud Scheduler calls to the services and job runs',
};

export function declareIdentities(settings: EnvironmentSettings, names: EnvironmentNames): Identities {
  const accounts = {} as Record<Identity, gcp.serviceaccount.Account>;
  for (const identity of Object.keys(PROJECT_ROLES) as Identity[]) {
    accounts[identity] = new gcp.serviceaccount.Account(names.account(identity), {
      accountId: names.account(identity),
      displayName: `props ${identity}${names.suffix}: ${PURPOSE[identity]}`,
      project: settings.project,
    });
    for (const role of PROJECT_ROLES[identity]) {
      new gcp.projects.IAMMember(`${names.account(identity)}-${role.split('/')[1]}`, {
        project: settings.project,
        role,
        member: accounts[identity].member,
      });
    }
  }
  return { accounts };
}
