import * as pulumi from '@pulumi/pulumi';
import { environmentNames } from './names';
import type { EnvironmentSettings } from './settings';
import { WAREHOUSE_TABLES, datasetName } from '@props/warehouse';

/**
 * What the original project already has under the names production keeps: the topics, the `nba_*`
 * datasets, Firestore's `(default)` database and the scheduler's jobs. With
 * `nba-props:adoptOriginal: "true"` production's stack imports them instead of creating them (the
 * `import` resource option: Pulumi reads the live resource and takes it under management; the
 * program's inputs must match it, or the import is refused and names the differing properties:
 * https://www.pulumi.com/docs/iac/concepts/options/import/). `pulumi preview --stack production`
 * is the dry run: it lists each of these as `= import` and everything else as `+ create`.
 */
export function originalResources(settings: EnvironmentSettings): Map<string, string> {
  const { project, region } = settings;
  const names = environmentNames({ environment: 'production' });
  const adopted = new Map<string, string>();
  for (const topic of [names.topics.predictionRequest, names.topics.predictionReady, names.topics.predictionsComplete])
    adopted.set(`gcp:pubsub/topic:Topic ${topic}`, `projects/${project}/topics/${topic}`);
  for (const dataset of new Set(WAREHOUSE_TABLES.map((table) => datasetName(table, ''))))
    adopted.set(`gcp:bigquery/dataset:Dataset ${dataset}`, `projects/${project}/datasets/${dataset}`);
  adopted.set('gcp:firestore/database:Database firestore-default', `projects/${project}/databases/(default)`);
  // The original's scheduler jobs (docs/operations/cutover.md, "Callers", and grading-daily).
  for (const job of [
    'overnight-predictions',
    'morning-predictions',
    'same-day-predictions',
    'same-day-predictions-tomorrow',
    'grading-daily',
  ])
    adopted.set(`gcp:cloudscheduler/job:Job ${job}`, `projects/${project}/locations/${region}/jobs/${job}`);
  return adopted;
}

/** Adds the `import` option to each original resource, when the production stack adopts them. */
export function adoptOriginal(settings: EnvironmentSettings): void {
  if (settings.environment !== 'production' || !new pulumi.Config('nba-props').getBoolean('adoptOriginal')) return;
  const adopted = originalResources(settings);
  pulumi.runtime.registerStackTransformation((args) => {
    const id = adopted.get(`${args.type} ${args.name}`);
    return id ? { props: args.props, opts: pulumi.mergeOptions(args.opts, { import: id }) } : undefined;
  });
}
