import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CompletionEventSchema, decodePushEnvelope, type CompletionEvent, type PredictionRow } from '@props/contracts';
import { NdjsonStagingStore } from '@props/prediction-store';
import { UsageError, type CliCommand } from '../cli-command';
import { ChildService } from './child-service';
import { ProgressBar } from '../progress-bar';

/** Receives the worker's completion events (the coordinator's /complete role, until it takes it over). */
async function completionReceiver(onEvent: (event: CompletionEvent) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      try {
        onEvent(decodePushEnvelope(JSON.parse(body), CompletionEventSchema).payload);
        response.statusCode = 204;
      } catch {
        response.statusCode = 400;
      }
      response.end();
    });
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', () => resolveListen()));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/complete`, server };
}

export const runCommand: CliCommand = {
  words: ['run'],
  summary: 'run the local stack: requests through the worker, then the coordinator consolidates them once',
  usage: 'props run [--requests FILE.json] [--data-dir DIR]',
  async run(args) {
    let parsed;
    try {
      parsed = parseArgs({ args: [...args], options: { requests: { type: 'string' }, 'data-dir': { type: 'string' } } });
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    const bundles = process.env.PROPS_BUNDLES_DIR;
    if (!bundles || !existsSync(join(bundles, 'worker', 'main.js')) || !existsSync(join(bundles, 'coordinator', 'main.js'))) {
      process.stderr.write(`props run: the coordinator and worker bundles are missing${bundles ? ` from ${bundles}` : ''}; run it as npx props run (or npm start), which builds them\n`);
      return 1;
    }
    const requestsFile = parsed.values.requests ?? join(process.env.PROPS_REPOSITORY_ROOT ?? '.', 'apps/worker/boot-probe-request.json');
    if (!existsSync(requestsFile)) throw new UsageError(`--requests ${requestsFile} does not exist`);
    const loaded = JSON.parse(readFileSync(requestsFile, 'utf8')) as unknown;
    const envelopes = Array.isArray(loaded) ? loaded : [loaded];
    const dataDir = resolve(parsed.values['data-dir'] ?? process.env.PROPS_DATA_DIR ?? 'var');
    mkdirSync(dataDir, { recursive: true });
    const started = Date.now();
    const events: CompletionEvent[] = [];
    const receiver = await completionReceiver((event) => events.push(event));
    const services: ChildService[] = [];
    const stopAll = async () => {
      await Promise.all(services.map((service) => service.stop()));
      await new Promise((resolveClose) => receiver.server.close(resolveClose));
    };
    const interrupted = () => {
      process.stderr.write('\nprops run: interrupted, stopping the services\n');
      void stopAll().then(() => process.exit(130));
    };
    process.once('SIGINT', interrupted);
    process.once('SIGTERM', interrupted);
    try {
      const stagingDir = join(dataDir, 'staging');
      const common = { PROPS_BACKEND: 'local', PROPS_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
      services.push(await ChildService.start('worker', join(bundles, 'worker', 'main.js'), { ...common, PROPS_MODEL_DIR: join(bundles, 'worker', 'models'), PROPS_STAGING_DIR: stagingDir, PROPS_COMPLETION_URL: receiver.url }));
      services.push(await ChildService.start('coordinator', join(bundles, 'coordinator', 'main.js'), common));
      for (const service of services) {
        const ready = await service.waitUntilReady(60_000);
        process.stdout.write(`${service.name} ready at ${service.url}\n${ready.checks.map((check) => `  ${check.status.padEnd(8)} ${check.name}: ${check.detail}`).join('\n')}\n`);
      }
      const worker = services[0]!;
      const progress = new ProgressBar('predicting', envelopes.length);
      const statuses: number[] = [];
      for (const envelope of envelopes) {
        const response = await fetch(`${worker.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(envelope) });
        statuses.push(response.status);
        progress.update(statuses.length, `last HTTP ${response.status}`);
      }
      const batches = [...new Map(events.map((event) => [event.batch_id, event.game_date])).entries()];
      const staging = new NdjsonStagingStore(stagingDir);
      const rows: PredictionRow[] = [];
      for (const [batchId] of batches) rows.push(...(await staging.read(batchId, await staging.list(batchId))));
      const coordinator = services[1]!;
      const consolidations: Array<{ rows_merged: number; duplicate_keys: number; fencing_token: number }> = [];
      for (const [batchId, gameDate] of batches) {
        const response = await fetch(`${coordinator.url}/consolidate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ batch_id: batchId, game_date: gameDate }) });
        const body = (await response.json()) as { rows_merged: number; duplicate_keys: number; fencing_token: number; reason?: string };
        if (response.status !== 200) throw new Error(`consolidation of ${batchId} failed: HTTP ${response.status} ${body.reason ?? ''}`);
        consolidations.push(body);
      }
      const perSystem = new Map<string, number>();
      for (const row of rows) perSystem.set(row.system_id, (perSystem.get(row.system_id) ?? 0) + 1);
      const lines = [
        '',
        'summary',
        `  requests sent            ${envelopes.length} (${statuses.filter((status) => status === 204).length} answered 204, ${statuses.filter((status) => status !== 204).length} other)`,
        `  completion events        ${events.length} (${events.filter((event) => event.outcome === 'staged').length} staged, ${events.filter((event) => event.outcome === 'skipped').length} skipped)`,
        `  rows staged              ${rows.length}`,
        ...[...perSystem.entries()].sort().map(([system, count]) => `    ${system.padEnd(24)} ${count}`),
        `  rows without model_version ${rows.filter((row) => !row.model_version).length}`,
        `  fallback rows            ${rows.filter((row) => row.is_fallback).length}`,
        `  biggest edges:`,
        ...rows
          .filter((row) => row.line_margin !== null)
          .sort((a, b) => Math.abs(b.line_margin!) - Math.abs(a.line_margin!))
          .slice(0, 5)
          .map((row) => `    ${row.player_lookup} ${row.system_id}: ${row.predicted_points} vs line ${row.line} (${row.recommendation})`),
        `  rows consolidated        ${consolidations.reduce((sum, result) => sum + result.rows_merged, 0)} into ${join(dataDir, 'warehouse.duckdb')} (player_prop_predictions), fencing token ${consolidations.map((result) => result.fencing_token).join(', ') || '-'}`,
        `  duplicate keys           ${consolidations.reduce((sum, result) => sum + result.duplicate_keys, 0)}`,
        `  staging folder           ${stagingDir}`,
        `  duration                 ${((Date.now() - started) / 1000).toFixed(1)} s`,
        '',
        'Not yet part of this run: player selection and one-query feature loading from a seeded',
        `warehouse, and completion tracking in the coordinator (the requests above come from ${requestsFile}).`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      return statuses.every((status) => status === 204) && rows.every((row) => row.model_version) ? 0 : 1;
    } finally {
      process.removeListener('SIGINT', interrupted);
      process.removeListener('SIGTERM', interrupted);
      await stopAll();
    }
  },
};
