import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest's global setup: one folder per test run holds every temporary folder its tests make
 * (warehouses, staging, fresh clones, the 600-player BigQuery fixture of 214 MB), and goes when
 * the run ends. Tests make theirs with `mkdtempSync(join(tmpdir(), ...))`; `os.tmpdir()` reads
 * TMPDIR, which the test workers and the processes they start inherit from this process, set here
 * before any worker is created (https://vitest.dev/config/globalsetup). Left in /tmp, a few
 * hundred runs filled a 100 GB disk. PROPS_KEEP_TEST_TMP=1 keeps the folder to look into.
 */
export default function setup(): () => void {
  const folder = mkdtempSync(join(tmpdir(), 'props-test-run-'));
  process.env.TMPDIR = folder;
  return () => {
    if (process.env.PROPS_KEEP_TEST_TMP) {
      console.log(`the test run's temporary folders are kept in ${folder}`);
      return;
    }
    try {
      rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
    } catch (error) {
      // A process a test left running may still write there: the run's result stands.
      console.warn(`the test run's temporary folder ${folder} was not removed: ${String(error)}`);
    }
  };
}
