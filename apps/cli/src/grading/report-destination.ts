import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../cli-command';
import { parseGcsUrl, writePageToGcs } from '../gcp/gcs-page-writer';

/**
 * Where a report page goes: --out when given; else PROPS_REPORT_LOCATION (a gs://bucket/prefix on
 * the Cloud Run job, whose own disk is gone when it ends) with the page's name; else the reports
 * folder beside the local warehouse.
 */
export function reportDestination(
  env: NodeJS.ProcessEnv,
  out: string | undefined,
  warehouse: string,
  name: string,
): string {
  const chosen =
    out ?? (env.PROPS_REPORT_LOCATION ? `${env.PROPS_REPORT_LOCATION.replace(/\/+$/, '')}/${name}` : undefined);
  if (chosen?.startsWith('gs://')) {
    if (!parseGcsUrl(chosen))
      throw new UsageError(
        `${out !== undefined ? '--out' : 'PROPS_REPORT_LOCATION'}: expected gs://bucket/path, got ${chosen}`,
      );
    return chosen;
  }
  return resolve(chosen ?? join(dirname(warehouse), 'reports', name));
}

/** Writes the page where reportDestination said: a Cloud Storage object, or a local file. */
export async function savePage(destination: string, html: string): Promise<void> {
  if (destination.startsWith('gs://')) return writePageToGcs(destination, html);
  mkdirSync(dirname(destination), { recursive: true });
  writeFileSync(destination, html);
}
