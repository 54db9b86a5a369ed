import type { Storage } from '@google-cloud/storage';
import { ServiceError, errorMessage } from '@props/contracts';
import { gcpOnDemand } from './gcp-on-demand';

/** `gs://bucket/object` split into its bucket and object name, or null for anything else. */
export function parseGcsUrl(url: string): { bucket: string; object: string } | null {
  const match = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])\/(.+)$/.exec(url);
  return match ? { bucket: match[1]!, object: match[2]! } : null;
}

/**
 * Writes an HTML page to Cloud Storage in one request (a multipart upload: a page is far under the
 * 5 MB GCS recommends single-request uploads for). STORAGE_EMULATOR_HOST points the client at
 * another endpoint, unauthenticated, as @google-cloud/storage documents for emulators. The client
 * is loaded here, not with the module, so no other command pays for loading it.
 */
export async function writePageToGcs(url: string, html: string, storage?: Storage): Promise<void> {
  const target = parseGcsUrl(url);
  if (!target) throw new Error(`not a gs://bucket/object URL: ${url}`);
  try {
    await (storage ?? new (await gcpOnDemand.storage()).Storage())
      .bucket(target.bucket)
      .file(target.object)
      .save(html, {
        resumable: false,
        contentType: 'text/html; charset=utf-8',
        metadata: { cacheControl: 'no-cache' },
      });
  } catch (error) {
    throw new ServiceError('report_upload_failed', `cannot write ${url}: ${errorMessage(error)}`);
  }
}
