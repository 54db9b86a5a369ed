import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceChild } from './service-child';

const root = resolve(import.meta.dirname, '../../..');

/** Another program on the port, answering /health/ready as a ready service would (another props run's). */
async function otherReadyService(): Promise<{ server: Server; port: number }> {
  const server = createServer((_request, reply) => {
    reply.writeHead(200, { 'content-type': 'application/json' });
    reply.end(
      JSON.stringify({ status: 'ok', service: 'coordinator', commit: 'x', built_at: 'x', checked_at: 'x', checks: [] }),
    );
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

describe('a child service whose port another process took after it was picked', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('exits 1 with one line naming the port, and is not taken for ready on the other answer', async () => {
    const { server, port } = await otherReadyService();
    cleanups.push(() => new Promise((closed) => server.close(closed)));
    const dataDir = mkdtempSync(join(tmpdir(), 'props-port-taken-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const worker = await ServiceChild.start({
      name: 'worker',
      args: ['--import', 'tsx', join(root, 'apps/worker/src/main.ts')],
      env: { PROPS_BACKEND: 'local', PROPS_DATA_DIR: dataDir, PROPS_PUSH_AUTH: 'none', LOG_LEVEL: 'warn' },
      port,
    });
    cleanups.push(() => worker.stop());

    await expect(worker.waitUntilReady(90_000)).rejects.toThrow(
      `worker exited with 1: {"severity":"CRITICAL","event":"startup_failed","message":"startup failed: cannot listen on 127.0.0.1:${port}: the port is in use by another process (EADDRINUSE)"}`,
    );
  }, 120_000);
});
