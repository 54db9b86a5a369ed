import { accessSync, constants, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ServiceError } from '@props/contracts';
import { UsageError } from '../cli-command';
import { fileSystemProblem } from '../cli-errors';
import { parseGcsUrl, writePageToGcs } from '../gcp/gcs-page-writer';

/** Anything that starts like a URL (`gs:/b`, `GS://b`, `s3://b`, `https://...`): never a local file name. */
const LOOKS_LIKE_URL = /^[a-z][a-z0-9+.-]+:/i;

/**
 * Where a report page goes: --out when given; else PROPS_REPORT_LOCATION (a gs://bucket/prefix on
 * the Cloud Run job, whose own disk is gone when it ends) with the page's name; else the reports
 * folder beside the local warehouse. A destination that looks like a URL must be exactly
 * gs://bucket/object (a mistyped one would otherwise become a local folder named `GS:`); a local
 * one must not be a directory and must be in a folder that can be written.
 */
export function reportDestination(
  env: NodeJS.ProcessEnv,
  out: string | undefined,
  warehouse: string,
  name: string,
): string {
  const source = out !== undefined ? '--out' : 'PROPS_REPORT_LOCATION';
  const location = env.PROPS_REPORT_LOCATION;
  if (out === undefined && location !== undefined && LOOKS_LIKE_URL.test(location)) {
    if (!/^gs:\/\/[^/]+(\/.*)?$/.test(location) || !parseGcsUrl(`${location.replace(/\/+$/, '')}/${name}`))
      throw new UsageError(`PROPS_REPORT_LOCATION: expected gs://bucket or gs://bucket/prefix, got "${location}"`);
  }
  if (out === '') throw new UsageError('--out: expected a file or gs://bucket/path.html, got nothing');
  const chosen = out ?? (location ? `${location.replace(/\/+$/, '')}/${name}` : undefined);
  if (chosen !== undefined && LOOKS_LIKE_URL.test(chosen)) {
    if (!parseGcsUrl(chosen))
      throw new UsageError(
        `${source}: expected gs://bucket/path.html (lower-case gs, two slashes, a bucket and an object name), got "${chosen}"`,
      );
    return chosen;
  }
  const path = resolve(chosen ?? join(dirname(warehouse), 'reports', name));
  requireWritableFile(source, path, name);
  return path;
}

/** Refuses, before any work, a page path that is a directory or sits under something that cannot hold it. */
function requireWritableFile(source: string, path: string, name: string): void {
  if (existsSync(path) && statSync(path).isDirectory())
    throw new UsageError(`${source}: ${path} is a directory; name the file, e.g. ${join(path, name)}`);
  let folder = dirname(path);
  while (!existsSync(folder) && dirname(folder) !== folder) folder = dirname(folder);
  if (!statSync(folder).isDirectory())
    throw new UsageError(`${source}: cannot write ${path}: ${folder} is a file, not a directory`);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new UsageError(`${source}: cannot write ${path}: ${folder} is not writable`);
  }
}

/** Writes the page where reportDestination said: a Cloud Storage object, or a local file. */
export async function savePage(destination: string, html: string): Promise<void> {
  if (destination.startsWith('gs://')) return writePageToGcs(destination, html);
  try {
    mkdirSync(dirname(destination), { recursive: true });
    writeFileSync(destination, html);
  } catch (error) {
    const problem = fileSystemProblem(error);
    if (!problem) throw error;
    throw new ServiceError('report_unwritable', `the report page was not written: ${problem}`);
  }
}
