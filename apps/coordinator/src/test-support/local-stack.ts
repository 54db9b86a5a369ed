import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchStatusBodySchema, type BatchStatusBody } from '@props/contracts';
import { freePort } from '@props/service-runtime';
import { seedWarehouse } from '@props/warehouse';

export const API_KEY = 'reliability-test-key-01';

/** Seeds one season for the test file; each scenario then works on its own copy. */
export async function seedOnce(): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), 'props-stack-seed-'));
  return (await seedWarehouse({ samplesDir: 'data/nba-samples', out: join(folder, 'warehouse.duckdb'), seed: 7 })).out;
}

/** A fresh data folder holding a copy of the seeded warehouse. */
export function dataDirWith(warehouse: string): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'props-stack-'));
  copyFileSync(warehouse, join(dataDir, 'warehouse.duckdb'));
  return dataDir;
}

/** A coordinator or worker from the sources, as a child process on a loopback port. */
export class ServiceProcess {
  private output = '';
  private constructor(
    readonly url: string,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    child.stdout!.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000)));
    child.stderr!.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000)));
  }

  static async start(
    app: 'coordinator' | 'worker',
    env: Record<string, string>,
    port?: number,
  ): Promise<ServiceProcess> {
    port ??= await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', `apps/${app}/src/main.ts`], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        METADATA_SERVER_DETECTION: 'none',
        PROPS_BACKEND: 'local',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new ServiceProcess(`http://127.0.0.1:${port}`, port, child);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null)
        throw new Error(`${app} exited with ${child.exitCode}: ${service.output.slice(-2000)}`);
      try {
        if ((await fetch(`${service.url}/health`)).status === 200) return service;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`${app} did not come up: ${service.output.slice(-2000)}`);
  }

  get logs(): string {
    return this.output;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  kill(): Promise<void> {
    if (!this.alive) return Promise.resolve();
    const exited = new Promise<void>((resolveExit) => this.child.once('exit', () => resolveExit()));
    this.child.kill('SIGKILL');
    return exited;
  }
}

/** A push endpoint that keeps every envelope it gets and answers 204 (a subscription nobody drains). */
export class Tap {
  readonly received: unknown[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        this.received.push(JSON.parse(body));
        response.statusCode = 204;
        response.end();
      });
    });
    await new Promise<void>((resolveListen) => this.server!.listen(0, '127.0.0.1', () => resolveListen()));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return this.url;
  }

  async waitFor(count: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`tap got ${this.received.length} of ${count} messages`);
      await sleep(50);
    }
  }

  stop(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolveClose) => this.server?.close(() => resolveClose()));
  }
}

export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Polls GET /status/:batchId until the batch is consolidated; every answer is read through the contract the CLI reads it with. */
export async function waitForConsolidated(
  coordinatorUrl: string,
  batchId: string,
  timeoutMs = 90_000,
): Promise<BatchStatusBody> {
  const deadline = Date.now() + timeoutMs;
  let status: BatchStatusBody | undefined;
  while (Date.now() < deadline) {
    status = BatchStatusBodySchema.parse(await (await fetch(`${coordinatorUrl}/status/${batchId}`)).json());
    if (status.status === 'consolidated') return status;
    await sleep(100);
  }
  throw new Error(`batch ${batchId} not consolidated: ${JSON.stringify(status).slice(0, 500)}`);
}
