import fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ReadinessBodySchema } from '@props/contracts';
import type { CheckResult } from './check';
import { registerHealthRoutes } from './health-routes';

const BUILD = { service: 'test', version: '0.1.0', commit: 'abc1234', builtAt: '2026-01-01T00:00:00Z' };

function countingCheck(results: CheckResult[]) {
  const check = {
    name: 'warehouse',
    runs: 0,
    run: async () => {
      check.runs += 1;
      await new Promise((resolveRun) => setTimeout(resolveRun, 20));
      return results[Math.min(check.runs - 1, results.length - 1)]!;
    },
  };
  return check;
}

describe('/health/ready', () => {
  it('answers 50 concurrent and 50 later probes from one run of the checks while the snapshot is fresh', async () => {
    const check = countingCheck([{ status: 'ok', detail: 'opened' }]);
    const app = fastify({ logger: false });
    registerHealthRoutes(app, [check], BUILD, 60_000);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => app.inject({ method: 'GET', url: '/health/ready' })),
    );
    for (let probe = 0; probe < 50; probe += 1) answers.push(await app.inject({ method: 'GET', url: '/health/ready' }));
    expect(answers.every((answer) => answer.statusCode === 200)).toBe(true);
    expect(check.runs).toBe(1);
    expect(new Set(answers.map((answer) => answer.json().checked_at)).size).toBe(1);
    // The path and the words the original platform's phase-4 orchestrator probes for.
    const ready = await app.inject({ method: 'GET', url: '/ready' });
    expect([ready.statusCode, ready.json().status]).toEqual([200, 'ready']);
    expect(check.runs).toBe(1);
    await app.close();
  });

  it('a failed check is 503 and is re-run within a second, so a recovering dependency turns the service ready', async () => {
    const check = countingCheck([
      { status: 'failed', detail: 'warehouse cannot be opened' },
      { status: 'ok', detail: 'opened' },
    ]);
    const app = fastify({ logger: false });
    registerHealthRoutes(app, [check], BUILD, 60_000);
    const failed = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(failed.statusCode).toBe(503);
    expect(ReadinessBodySchema.parse(failed.json()).status).toBe('failed');
    expect(failed.json().checks).toEqual([{ name: 'warehouse', status: 'failed', problem: 'unavailable' }]);
    let recovered = failed;
    for (let attempt = 0; attempt < 100 && recovered.statusCode !== 200; attempt += 1) {
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
      recovered = await app.inject({ method: 'GET', url: '/health/ready' });
    }
    expect(recovered.statusCode).toBe(200);
    expect(check.runs).toBe(2);
    await app.close();
  });

  it('refreshes on its schedule while the service listens, without any probe', async () => {
    const check = countingCheck([{ status: 'ok', detail: 'opened' }]);
    const app = fastify({ logger: false });
    registerHealthRoutes(app, [check], BUILD, 100);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const deadline = Date.now() + 30_000;
    while (check.runs < 3 && Date.now() < deadline) await new Promise((resolveWait) => setTimeout(resolveWait, 50));
    await app.close();
    expect(check.runs).toBeGreaterThanOrEqual(3);
    const runsAtClose = check.runs;
    await new Promise((resolveWait) => setTimeout(resolveWait, 300));
    expect(check.runs).toBe(runsAtClose);
  });
});
