import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import type { EnvironmentSettings } from './settings';

/** monitoring/ beside this program: the log-based metrics and alert policies as the repository keeps them. */
export const MONITORING_FOLDER = join(__dirname, '..', '..', 'monitoring');

export interface MonitoringDefinitions {
  metrics: Array<{
    name: string;
    description: string;
    filter: string;
    metricDescriptor: { metricKind: string; valueType: string; unit: string };
  }>;
  policies: Array<{
    file: string;
    displayName: string;
    combiner: string;
    documentation: { content: string; mimeType: string };
    conditions: unknown[];
    alertStrategy?: { autoClose: string };
    notificationChannels: string[];
  }>;
}

export function readMonitoring(folder = MONITORING_FOLDER): MonitoringDefinitions {
  const read = (kind: string) =>
    readdirSync(join(folder, kind))
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => ({ file: name.slice(0, -5), ...JSON.parse(readFileSync(join(folder, kind, name), 'utf8')) }));
  return { metrics: read('metrics'), policies: read('policies') };
}

/**
 * Production's log-based metrics and alert policies, from monitoring/ (which replaces
 * monitoring/apply.sh: Pulumi creates, updates and deletes them). Staging's logs are left out of
 * every metric, so a smoke batch never pages anyone.
 */
export function declareMonitoring(
  settings: EnvironmentSettings,
  definitions: MonitoringDefinitions,
  deadLetterSubscriptions: readonly string[],
): { metrics: gcp.logging.Metric[]; policies: gcp.monitoring.AlertPolicy[] } {
  const notStaging = 'NOT resource.labels.service_name=~"-staging$" AND NOT resource.labels.job_name=~"-staging$"';
  const metrics = definitions.metrics.map(
    (metric) =>
      new gcp.logging.Metric(metric.name, {
        name: metric.name,
        project: settings.project,
        description: metric.description,
        filter: `${metric.filter} AND ${notStaging}`,
        metricDescriptor: metric.metricDescriptor,
      }),
  );
  const propagated = waitForMetrics(
    definitions.metrics.map((metric) => metric.name),
    metrics,
  );
  const policies = definitions.policies.map(
    (policy) =>
      new gcp.monitoring.AlertPolicy(
        policy.file,
        {
          project: settings.project,
          displayName: policy.displayName,
          combiner: policy.combiner,
          documentation: policy.documentation,
          conditions: policy.conditions as gcp.types.input.monitoring.AlertPolicyCondition[],
          ...(policy.alertStrategy ? { alertStrategy: policy.alertStrategy } : {}),
          notificationChannels: settings.notificationChannel ? [settings.notificationChannel] : [],
        },
        { dependsOn: [propagated] },
      ),
  );
  return { metrics, policies: [...policies, declareDeadLetterPolicy(settings, deadLetterSubscriptions)] };
}

class MetricsPropagated extends pulumi.dynamic.Resource {}

/** How long a new log-based metric may take before alert policies can name it (measured: up to about 10 minutes). */
export const METRIC_PROPAGATION_SECONDS = 600;

/**
 * A pause between creating log-based metrics and the alert policies on them: the Monitoring API
 * refuses a policy whose metric it does not know yet ("Cannot find metric(s)"), which happens for
 * several minutes after the metric is created. The pause runs when the set of metrics is created or
 * changes (a replacement), never on an update that leaves them alone. A dynamic resource: its
 * create and diff run inside the Pulumi program's process
 * (https://www.pulumi.com/docs/iac/concepts/resources/dynamic-providers/).
 */
function waitForMetrics(names: string[], metrics: gcp.logging.Metric[]): pulumi.CustomResource {
  const provider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: { metrics: string; seconds: number }) {
      await new Promise((done) => setTimeout(done, inputs.seconds * 1000));
      return { id: `metrics-${inputs.metrics.length}`, outs: inputs };
    },
    async diff(_id: string, olds: { metrics: string }, news: { metrics: string }) {
      const changed = olds.metrics !== news.metrics;
      return { changes: changed, replaces: changed ? ['metrics'] : [], deleteBeforeReplace: false };
    },
  };
  return new MetricsPropagated(
    provider,
    'log-based-metrics-propagated',
    { metrics: [...names].sort().join(','), seconds: METRIC_PROPAGATION_SECONDS },
    { dependsOn: metrics },
  );
}

/**
 * Pub/Sub's own dead-lettering pages someone: a message Pub/Sub gave up on after 5 attempts sits in
 * a dead-letter subscription, and any backlog there opens an incident
 * (pubsub.googleapis.com/subscription/num_undelivered_messages,
 * https://cloud.google.com/monitoring/api/metrics_gcp_p_z#gcp-pubsub). The app's own
 * message_dead_lettered covers only its publish failures.
 */
function declareDeadLetterPolicy(settings: EnvironmentSettings, subscriptions: readonly string[]) {
  return new gcp.monitoring.AlertPolicy('props_pubsub_dead_lettered', {
    project: settings.project,
    displayName: '[WARNING] props: Pub/Sub dead-lettered messages',
    combiner: 'OR',
    documentation: {
      content:
        'Pub/Sub gave up on a request or completion after 5 delivery attempts and moved it to a dead-letter subscription (' +
        subscriptions.join(', ') +
        '). Fix the service, then POST /check-stalled re-publishes missing players; pull the dead-letter subscription to see the messages.',
      mimeType: 'text/markdown',
    },
    conditions: [
      {
        displayName: 'dead-letter backlog above 0',
        conditionThreshold: {
          filter: `resource.type="pubsub_subscription" AND metric.type="pubsub.googleapis.com/subscription/num_undelivered_messages" AND resource.labels.subscription_id=monitoring.regex.full_match("${subscriptions.join('|')}")`,
          comparison: 'COMPARISON_GT',
          thresholdValue: 0,
          duration: '0s',
          aggregations: [{ alignmentPeriod: '300s', perSeriesAligner: 'ALIGN_MAX' }],
        },
      },
    ],
    alertStrategy: { autoClose: '3600s' },
    notificationChannels: settings.notificationChannel ? [settings.notificationChannel] : [],
  });
}
