import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { overallStatus, runChecks, type CheckReport, type ReadinessCheck } from './check';

/**
 * Proves that each folder the service writes can be created and written by the current user (the
 * image's user when it runs at image build). Removes what it created, so the image stays clean.
 */
export function writableFolderCheck(folder: string): ReadinessCheck {
  return {
    name: `writable ${folder}`,
    buildTime: true,
    run: () => {
      const created = firstMissingAncestor(folder);
      try {
        mkdirSync(folder, { recursive: true });
        const probe = join(folder, `.build-check-${process.pid}`);
        writeFileSync(probe, 'ok');
        rmSync(probe);
        return { status: 'ok', detail: `uid ${process.getuid?.() ?? '?'} can create and write it` };
      } catch (error) {
        return {
          status: 'failed',
          detail: `uid ${process.getuid?.() ?? '?'} cannot write it (${(error as NodeJS.ErrnoException).code ?? String(error)}): point the variable that names it at a writable folder such as /tmp`,
        };
      } finally {
        if (created) rmSync(created, { recursive: true, force: true });
      }
    },
  };
}

/** The outermost folder on the way to `folder` that does not exist yet (what a probe must remove). */
function firstMissingAncestor(folder: string): string | undefined {
  let missing: string | undefined;
  for (let current = resolve(folder); !existsSync(current); current = dirname(current)) missing = current;
  return missing;
}

/** Prints one line per report and the verdict; a degraded report (a visible fallback) passes. */
export function printCheckReports(
  title: string,
  reports: readonly CheckReport[],
  write: (line: string) => void,
): number {
  for (const report of reports) write(`${report.status.padEnd(8)} ${report.name}: ${report.detail}`);
  const failed = overallStatus(reports) === 'failed';
  write(`${title} ${failed ? 'FAILED' : 'passed'} (${reports.length} checks)`);
  return failed ? 1 : 0;
}

export async function runBuildTimeChecks(checks: readonly ReadinessCheck[], label: string): Promise<CheckReport[]> {
  const reports = await runChecks(checks.filter((check) => check.buildTime));
  return reports.map((report) => ({ ...report, name: `${label}${report.name}` }));
}
