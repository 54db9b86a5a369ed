import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALERTABLE_EVENTS, LogEvent } from '../libs/observability/src/events';

const root = resolve(import.meta.dirname, '..');

interface MonitoringFiles {
  metrics: Map<string, { filter: string }>;
  policies: Map<
    string,
    {
      conditions: {
        conditionThreshold?: { filter: string };
        conditionAbsent?: { filter: string; duration?: string };
      }[];
    }
  >;
}

function runtimeSources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory())
      return entry.name === 'node_modules' || entry.name === 'test-support' ? [] : runtimeSources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The event values the code can emit: every LogEvent.<name> used in runtime code of apps and libs. */
function emittedEvents(): Set<string> {
  const names = new Set<string>();
  for (const file of [...runtimeSources(join(root, 'apps')), ...runtimeSources(join(root, 'libs'))]) {
    if (file.endsWith(join('observability', 'src', 'events.ts'))) continue;
    for (const match of readFileSync(file, 'utf8').matchAll(/LogEvent\.(\w+)/g)) names.add(match[1]!);
  }
  return new Set([...names].map((name) => (LogEvent as Record<string, string>)[name]!).filter(Boolean));
}

function readMonitoring(): MonitoringFiles {
  const read = (folder: string) =>
    new Map(
      readdirSync(join(root, 'monitoring', folder))
        .filter((name) => name.endsWith('.json'))
        .map((name) => [name.slice(0, -5), JSON.parse(readFileSync(join(root, 'monitoring', folder, name), 'utf8'))]),
    );
  return { metrics: read('metrics'), policies: read('policies') };
}

/** What is wrong between the monitoring files and the events the code emits; empty when consistent. */
function inconsistencies(files: MonitoringFiles, emitted: Set<string>, alertable: readonly string[]): string[] {
  const problems: string[] = [];
  const metricEvent = new Map<string, string>();
  for (const [name, metric] of files.metrics) {
    const match = /^jsonPayload\.event="([a-z0-9_]+)"/.exec(metric.filter);
    if (!match) problems.push(`metric ${name} does not key on jsonPayload.event (filter: ${metric.filter})`);
    else if (!emitted.has(match[1]!)) problems.push(`metric ${name} names event ${match[1]}, which no code emits`);
    else metricEvent.set(name, match[1]!);
  }
  const covered = new Set<string>();
  for (const [name, policy] of files.policies) {
    for (const condition of policy.conditions) {
      const filter = condition.conditionThreshold?.filter ?? condition.conditionAbsent?.filter ?? '';
      const metric = /logging\.googleapis\.com\/user\/(\w+)/.exec(filter)?.[1];
      if (!metric || !files.metrics.has(metric))
        problems.push(`policy ${name} uses metric ${metric ?? '(none)'}, which monitoring/metrics does not define`);
      else if (metricEvent.has(metric)) covered.add(metricEvent.get(metric)!);
    }
  }
  for (const event of alertable)
    if (!covered.has(event)) problems.push(`event ${event} is marked alertable but no policy watches it`);
  return problems;
}

describe('monitoring as code', () => {
  it('runtime code names events only through LogEvent, so the list of emitted events is complete', () => {
    const literals = [...runtimeSources(join(root, 'apps')), ...runtimeSources(join(root, 'libs'))]
      .filter((file) => /\bevent: '/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(literals).toEqual([]);
  });

  it('every policy names an event some code emits, and every alertable event has a policy', () => {
    const emitted = emittedEvents();
    expect(emitted.size).toBeGreaterThan(15);
    expect(inconsistencies(readMonitoring(), emitted, ALERTABLE_EVENTS)).toEqual([]);
  });

  it('fails for a renamed event and for an alertable event without a policy', () => {
    const files = readMonitoring();
    files.metrics.set('props_renamed', { filter: 'jsonPayload.event="staging_write_failure"' });
    files.policies.delete('props_consolidation_failed');
    expect(inconsistencies(files, emittedEvents(), ALERTABLE_EVENTS)).toEqual([
      'metric props_renamed names event staging_write_failure, which no code emits',
      'event consolidation_failed is marked alertable but no policy watches it',
    ]);
  });

  it('keeps every absence window within the 23.5 hours Cloud Monitoring accepts, and fails for 48 hours', () => {
    // "You can configure this time period, called the trigger absence time, up to a maximum of 23.5
    // hours" (https://cloud.google.com/monitoring/alerts/metric-absence).
    const tooLong = (files: MonitoringFiles) =>
      [...files.policies].flatMap(([name, policy]) =>
        policy.conditions
          .map((condition) => condition.conditionAbsent?.duration)
          .filter((duration): duration is string => duration !== undefined)
          .filter((duration) => !/^\d+s$/.test(duration) || Number(duration.slice(0, -1)) > 84_600)
          .map((duration) => `${name}: absence window ${duration} is longer than 23.5 hours (84600s)`),
      );
    const files = readMonitoring();
    expect(tooLong(files)).toEqual([]);
    files.policies.get('props_grading_completed')!.conditions[0]!.conditionAbsent!.duration = '172800s';
    expect(tooLong(files)).toEqual([
      'props_grading_completed: absence window 172800s is longer than 23.5 hours (84600s)',
    ]);
  });

  it('keys every metric on the structured event field, never on message text', () => {
    for (const [name, metric] of readMonitoring().metrics)
      expect(metric.filter, name).not.toMatch(/textPayload|jsonPayload\.message/);
  });
});
