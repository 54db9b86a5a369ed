import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as gcp from '@pulumi/gcp';
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
        { dependsOn: metrics },
      ),
  );
  return { metrics, policies };
}
