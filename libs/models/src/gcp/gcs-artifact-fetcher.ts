import { Storage } from '@google-cloud/storage';

/** Downloads `gs://bucket/path` to `destination` (production model artifacts). */
export async function fetchFromGcs(url: string, destination: string, storage = new Storage()): Promise<void> {
  const match = /^gs:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!match) throw new Error(`not a gs://bucket/path URL: ${url}`);
  await storage.bucket(match[1]!).file(match[2]!).download({ destination });
}
