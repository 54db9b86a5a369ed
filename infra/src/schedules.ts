import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import type { CheckStalledRequest } from '@props/contracts';
import type { EnvironmentNames } from './names';
import type { EnvironmentSettings } from './settings';

/** A scheduled call: to a coordinator endpoint (OIDC) or a props job (the Cloud Run Admin API, OAuth). */
export type ScheduledCall =
  | { name: string; schedule: string; description: string; endpoint: '/start'; body: Record<string, unknown> }
  | { name: string; schedule: string; description: string; endpoint: '/check-stalled'; body: CheckStalledRequest }
  | { name: string; schedule: string; description: string; job: string };

export const TIME_ZONE = 'America/New_York';

/**
 * The original's prediction start times (docs/operations/cutover.md, "Callers": overnight 7:00,
 * morning 10:00, same-day 11:30, tomorrow's slate 18:00 ET, all forced), the stall check every 15
 * minutes through the game window (18:00-02:59 ET, the original's proposed body), grading of
 * yesterday at 11:00 ET with the daily aggregation (its grading-daily), props verify after it, and
 * the staging cleanup. Staging runs only the stall check and the cleanup: its batches are smoke
 * batches a deploy starts.
 */
export function scheduledCalls(
  settings: Pick<EnvironmentSettings, 'environment'>,
  names: EnvironmentNames,
): ScheduledCall[] {
  const start = (name: string, schedule: string, gameDate: string, description: string): ScheduledCall => ({
    name,
    schedule,
    description,
    endpoint: '/start',
    body: { game_date: gameDate, force: true, trigger_source: `scheduler_${name.replace(/-/g, '_')}` },
  });
  const always: ScheduledCall[] = [
    {
      name: `prediction-stall-check${names.suffix}`,
      schedule: '*/15 18-23,0-2 * * *',
      description: 'Re-publish or consolidate stalled batches',
      endpoint: '/check-stalled',
      body: { stall_threshold_minutes: 10, min_completion_pct: 95.0 },
    },
    {
      name: `staging-cleanup${names.suffix}`,
      schedule: '0 5 * * *',
      description: 'Remove staging that dead batches left behind',
      job: names.job('staging-cleanup'),
    },
  ];
  if (settings.environment === 'staging') return always;
  return [
    start('overnight-predictions', '0 7 * * *', 'TODAY', "Today's slate with estimated lines"),
    start('morning-predictions', '0 10 * * *', 'TODAY', "Today's slate once the sportsbooks' lines are in"),
    start('same-day-predictions', '30 11 * * *', 'TODAY', "Today's slate after phase 4"),
    start('same-day-predictions-tomorrow', '0 18 * * *', 'TOMORROW', "Tomorrow's slate"),
    ...always,
    {
      name: 'grading-daily',
      schedule: '0 11 * * *',
      description: "Grade yesterday's predictions and aggregate per system",
      job: names.job('grade'),
    },
    {
      // A second run the same day: the "no grading" policy's absence window is at most 23.5 hours
      // (https://cloud.google.com/monitoring/alerts/metric-absence), so once-a-day grading would page
      // daily; a re-grade replaces the date's rows (libs/grading bigquery-grading-store.ts).
      name: 'grading-evening',
      schedule: '0 23 * * *',
      description: "Grade yesterday's predictions again (retries a failed morning run)",
      job: names.job('grade'),
    },
    {
      name: 'verify-daily',
      schedule: '30 11 * * *',
      description: "props verify on yesterday's predictions (model_version, coverage)",
      job: names.job('verify'),
    },
  ];
}

/** The image a Cloud Run service or job runs now (its first container's). */
export const imageOf = (resource: gcp.cloudrunv2.Service | gcp.cloudrunv2.Job): pulumi.Output<string | undefined> =>
  resource instanceof gcp.cloudrunv2.Service
    ? resource.template.apply((template) => template?.containers?.[0]?.image)
    : resource.template.apply((template) => template?.template?.containers?.[0]?.image);

/**
 * The scheduler's calls, each paused while what it calls still runs the bootstrap image: a
 * scheduled job would otherwise start the placeholder web server and hold a task until its timeout,
 * and a scheduled /start would be answered by the placeholder. With `refresh: always` (Pulumi.yaml)
 * and the image in ignoreChanges, the service's and job's image outputs are the deployed ones after
 * the first deploy, so the next `pulumi up` resumes the schedules (`paused`, Cloud Scheduler
 * https://cloud.google.com/scheduler/docs/reference/rest/v1/projects.locations.jobs#State).
 */
export function declareSchedules(
  settings: EnvironmentSettings,
  names: EnvironmentNames,
  calls: readonly ScheduledCall[],
  target: {
    coordinator: gcp.cloudrunv2.Service;
    jobs: Record<string, gcp.cloudrunv2.Job>;
    schedulerEmail: pulumi.Input<string>;
  },
): gcp.cloudscheduler.Job[] {
  return calls.map((call) => {
    const called = 'endpoint' in call ? target.coordinator : target.jobs[call.job];
    if (!called) throw new Error(`schedule ${call.name}: job ${'job' in call ? call.job : ''} is not declared`);
    const httpTarget =
      'endpoint' in call
        ? {
            uri: pulumi.interpolate`${target.coordinator.uri}${call.endpoint}`,
            httpMethod: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: Buffer.from(JSON.stringify(call.body)).toString('base64'),
            oidcToken: { serviceAccountEmail: target.schedulerEmail, audience: names.coordinatorAudience },
          }
        : {
            uri: `https://run.googleapis.com/v2/projects/${settings.project}/locations/${settings.region}/jobs/${call.job}:run`,
            httpMethod: 'POST',
            oauthToken: {
              serviceAccountEmail: target.schedulerEmail,
              scope: 'https://www.googleapis.com/auth/cloud-platform',
            },
          };
    return new gcp.cloudscheduler.Job(call.name, {
      name: call.name,
      project: settings.project,
      region: settings.region,
      description: call.description,
      schedule: call.schedule,
      timeZone: TIME_ZONE,
      attemptDeadline: '600s',
      retryConfig: { retryCount: 2, minBackoffDuration: '30s' },
      httpTarget,
      paused: imageOf(called).apply((image) => image === undefined || image === settings.bootstrapImage),
    });
  });
}
