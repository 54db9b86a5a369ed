import { setTimeout as sleep } from 'node:timers/promises';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchStatusBodySchema,
  PredictionMessageSchema,
  decodePushEnvelope,
  requestsOf,
  type BatchStatusBody,
  type PredictionRequest,
} from '@props/contracts';
import { ServiceChild } from '@props/service-runtime';
import { seedWarehouse } from '@props/season';

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

/** A service from its sources (through tsx) with only the environment it is given, listening before this returns. */
export async function startFromSource(
  app: 'coordinator' | 'worker',
  env: Record<string, string>,
  port?: number,
): Promise<ServiceChild> {
  const service = await ServiceChild.start({
    name: app,
    args: ['--import', 'tsx', `apps/${app}/src/main.ts`],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      METADATA_SERVER_DETECTION: 'none',
      PROPS_BACKEND: 'local',
      LOG_LEVEL: 'warn',
      ...env,
    },
    inheritEnvironment: false,
    ...(port === undefined ? {} : { port }),
  });
  await service.waitUntilListening(60_000);
  return service;
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

  /** Waits until the messages received carry `count` players' requests (a group message carries several). */
  async waitForPlayers(count: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.playersReceived() < count) {
      if (Date.now() > deadline) throw new Error(`tap got ${this.playersReceived()} of ${count} players' requests`);
      await sleep(50);
    }
  }

  private playersReceived(): number {
    return this.received.reduce<number>((total, envelope) => total + requestsIn(envelope).length, 0);
  }

  stop(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolveClose) => this.server?.close(() => resolveClose()));
  }
}

/** The prediction requests one envelope carries: one player's, or a group's. */
export function requestsIn(envelope: unknown): PredictionRequest[] {
  return requestsOf(decodePushEnvelope(envelope, PredictionMessageSchema).payload);
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
