import { errorMessage, type ReadinessCheckReport } from '@props/contracts';

/** A check's report is what `/health/ready` lists, so both come from the one contract. */
export type CheckReport = ReadinessCheckReport;
export type CheckStatus = CheckReport['status'];
export type CheckResult = Omit<CheckReport, 'name'>;

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
