// An https: URL is posted over TLS: node:https is loaded on its first use (post-json.ts), so this
// checks the lazily loaded client still speaks TLS. The loopback server's certificate is
// self-signed (made with openssl), so the client's refusal of it shows the TLS handshake happened.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postJson } from './post-json';

const folder = mkdtempSync(join(tmpdir(), 'props-post-json-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const [key, cert] = [join(folder, 'key.pem'), join(folder, 'cert.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

describe('postJson to an https: URL', () => {
  it('opens a TLS connection (and refuses a certificate no authority signed)', async () => {
    let requests = 0;
    const server = createServer(selfSignedCertificate(), (_request, response) => {
      requests += 1;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/complete`;
      await expect(postJson(url, '{}', {})).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
      expect(requests).toBe(0);
    } finally {
      server.close();
    }
  });
});
