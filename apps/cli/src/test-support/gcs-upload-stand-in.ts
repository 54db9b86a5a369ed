import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredObject {
  contentType: string;
  metadata: Record<string, unknown>;
  body: string;
}

const CRC32C_TABLE = Array.from({ length: 256 }, (_, index) => {
  let value = index;
  for (let bit = 0; bit < 8; bit += 1) value = value & 1 ? (value >>> 1) ^ 0x82f63b78 : value >>> 1;
  return value >>> 0;
});

/** CRC32C (Castagnoli), big-endian and base64 as the object resource's `crc32c` carries it. */
function crc32c(bytes: Buffer): string {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}

/** The JSON API's error body (https://cloud.google.com/storage/docs/json_api/v1/status-codes). */
function apiError(response: ServerResponse, code: number, reason: string, message: string): void {
  response.writeHead(code, { 'content-type': 'application/json; charset=UTF-8' });
  response.end(JSON.stringify({ error: { code, message, errors: [{ message, domain: 'global', reason }] } }));
}

/** The parts of a multipart/related body: each part's headers and content. */
function multipartParts(
  body: Buffer,
  contentType: string,
): Array<{ headers: Record<string, string>; content: string }> {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) return [];
  return body
    .toString('utf8')
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const [head, ...rest] = part.replace(/^\r\n/, '').split('\r\n\r\n');
      const headers = Object.fromEntries(
        (head ?? '').split('\r\n').map((line) => {
          const at = line.indexOf(':');
          return [line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim()];
        }),
      );
      return { headers, content: rest.join('\r\n\r\n').replace(/\r\n$/, '') };
    });
}

/**
 * Cloud Storage's single-request (multipart) upload on loopback, as Objects: insert documents it
 * (https://cloud.google.com/storage/docs/json_api/v1/objects/insert):
 * - POST /upload/storage/v1/b/BUCKET/o with `uploadType` required (media, multipart or resumable);
 *   this stand-in serves multipart, the one @google-cloud/storage sends for `resumable: false`, and
 *   refuses the other two with 400 rather than pretending to implement them;
 * - a multipart/related body: the object's JSON metadata, then its bytes; metadata-only requests
 *   are not allowed; the name from the `name` parameter or the metadata; the path's bucket
 *   overrides the metadata's;
 * - the upload replaces an object of the same name, with a new generation;
 * - 200 with the object resource (https://cloud.google.com/storage/docs/json_api/v1/objects):
 *   `size` and `generation` as strings, `md5Hash` and `crc32c` base64 (crc32c big-endian), which
 *   the client checks against what it sent and refuses a mismatch;
 * - errors in the JSON API's format (https://cloud.google.com/storage/docs/json_api/v1/status-codes):
 *   `{error: {errors: [{domain, reason, message}], code, message}}`, 404 notFound for a bucket that
 *   does not exist.
 * Point @google-cloud/storage at it with STORAGE_EMULATOR_HOST (unauthenticated, as for emulators).
 */
export async function startGcsUploadStandIn(buckets: readonly string[]) {
  const objects = new Map<string, StoredObject>();
  let generation = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://stand-in');
      const match = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
      if (request.method !== 'POST' || !match) return apiError(response, 404, 'notFound', 'Not Found');
      if (url.searchParams.get('uploadType') !== 'multipart')
        return apiError(
          response,
          400,
          'invalid',
          `uploadType ${url.searchParams.get('uploadType')} is not served here`,
        );
      const bucket = decodeURIComponent(match[1]!);
      if (!buckets.includes(bucket)) return apiError(response, 404, 'notFound', 'The specified bucket does not exist.');
      const [metadataPart, mediaPart] = multipartParts(Buffer.concat(chunks), request.headers['content-type'] ?? '');
      if (!metadataPart || !mediaPart)
        return apiError(response, 400, 'invalid', 'a multipart upload carries the metadata part, then the object data');
      const metadata = JSON.parse(metadataPart.content) as Record<string, unknown>;
      const name = url.searchParams.get('name') ?? String(metadata.name ?? '');
      if (!name) return apiError(response, 400, 'required', 'Required');
      const contentType = String(
        metadata.contentType ?? mediaPart.headers['content-type'] ?? 'application/octet-stream',
      );
      objects.set(`${bucket}/${name}`, { contentType, metadata, body: mediaPart.content });
      generation += 1;
      // The client checks the stored bytes against these, as it does against real GCS (and refuses a mismatch).
      const bytes = Buffer.from(mediaPart.content, 'utf8');
      response.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
      response.end(
        JSON.stringify({
          ...metadata,
          kind: 'storage#object',
          id: `${bucket}/${name}/${generation}`,
          name,
          bucket,
          generation: String(generation),
          metageneration: '1',
          contentType,
          size: String(bytes.length),
          md5Hash: createHash('md5').update(bytes).digest('base64'),
          crc32c: crc32c(bytes),
        }),
      );
    });
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    objects,
    close: () => new Promise<void>((resolveClose) => server.close(() => resolveClose())),
  };
}
