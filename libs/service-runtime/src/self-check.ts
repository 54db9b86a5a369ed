import { overallStatus, runChecks, type ReadinessCheck } from './check';

/**
 * `--self-check`: runs every readiness check, prints one line per check, returns the exit code.
 * A degraded check (a visible fallback) passes; a failed one does not.
 */
export async function runSelfCheck(checks: readonly ReadinessCheck[], write: (line: string) => void): Promise<number> {
  const reports = await runChecks(checks);
  for (const report of reports) {
    write(`${report.status.padEnd(8)} ${report.name}: ${report.detail}`);
  }
  const status = overallStatus(reports);
  write(`self-check ${status === 'failed' ? 'FAILED' : 'passed'} (${reports.length} checks)`);
  return status === 'failed' ? 1 : 0;
}
