import * as gcp from '@pulumi/gcp';
import type { Identities } from './identities';
import type { EnvironmentNames } from './names';
import type { EnvironmentSettings } from './settings';

/** The bucket the props job writes report pages to (a job's own disk is gone when it ends); names are global, so the project is in it. */
export const reportsBucket = (
  settings: Pick<EnvironmentSettings, 'project'>,
  names: Pick<EnvironmentNames, 'suffix'>,
) => `${settings.project}-props-reports${names.suffix}`;

/** Where `props report` puts pages without --out (PROPS_REPORT_LOCATION). */
export const reportLocation = (
  settings: Pick<EnvironmentSettings, 'project'>,
  names: Pick<EnvironmentNames, 'suffix'>,
) => `gs://${reportsBucket(settings, names)}/reports`;

/** The reports bucket (uniform access, pages kept 180 days) and the CLI job's right to write and replace pages in it. */
export function declareReportsBucket(settings: EnvironmentSettings, names: EnvironmentNames, identities: Identities) {
  const bucket = new gcp.storage.Bucket(reportsBucket(settings, names), {
    project: settings.project,
    name: reportsBucket(settings, names),
    location: settings.region.toUpperCase(),
    uniformBucketLevelAccess: true,
    publicAccessPrevention: 'enforced',
    lifecycleRules: [{ action: { type: 'Delete' }, condition: { age: 180 } }],
  });
  // objectUser: create, read and overwrite objects (a re-run replaces its page), nothing on the bucket itself.
  new gcp.storage.BucketIAMMember(`${reportsBucket(settings, names)}-cli-objectUser`, {
    bucket: bucket.name,
    role: 'roles/storage.objectUser',
    member: identities.accounts.cli.member,
  });
  return bucket;
}
