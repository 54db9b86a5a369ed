import { errorMessage, type ReadinessCheckReport } from '@props/contracts';

/**
 * A check's report: what `/health/ready` lists (the contract), plus the `detail` an operator reads
 * in the log and in `--build-check` (paths, URLs, the driver's words), which the body never carries.
 */
export type CheckReport = ReadinessCheckReport & { detail: string };
export type CheckStatus = CheckReport['status'];
export type CheckResult = Omit<CheckReport, 'name'>;

/** What the body says of a check that is not ok and names no problem of its own. */
const UNNAMED_PROBLEM: Record<CheckStatus, string | undefined> = {
  ok: undefined,
  degraded: 'degraded',
  failed: 'unavailable',
};

/** A report as the readiness body carries it: name, status and, unless ok, the problem's stable word. */
export function publicReport({ name, status, problem }: CheckReport): ReadinessCheckReport {
  const named = status === 'ok' ? undefined : (problem ?? UNNAMED_PROBLEM[status]);
  return named === undefined ? { name, status } : { name, status, problem: named };
}

/** One thing a service needs to serve: a configuration value, an adapter, a native library, a model. */
export interface ReadinessCheck {
  name: string;
  /**
   * True when the check proves what the image carries (a native addon, a model artifact, a
   * writable folder) and needs no runtime configuration: `--build-check` runs it at image build.
   */
  buildTime?: boolean;
  run(): Promise<CheckResult> | CheckResult;
}

export async function runChecks(checks: readonly ReadinessCheck[]): Promise<CheckReport[]> {
  const reports: CheckReport[] = [];
  for (const check of checks) {
    try {
      const result = await check.run();
      reports.push({ name: check.name, ...result });
    } catch (error) {
      reports.push({
        name: check.name,
        status: 'failed',
        problem: 'check_error',
        detail: errorMessage(error),
      });
    }
  }
  return reports;
}

export function overallStatus(reports: readonly CheckReport[]): CheckStatus {
  if (reports.some((report) => report.status === 'failed')) return 'failed';
  if (reports.some((report) => report.status === 'degraded')) return 'degraded';
  return 'ok';
}
