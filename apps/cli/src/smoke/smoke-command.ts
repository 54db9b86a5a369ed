import { setTimeout as sleep } from 'node:timers/promises';
import {
  ServiceError,
  BatchStatusBodySchema,
  ReadinessBodySchema,
  isCalendarDate,
  type BatchStatusBody,
  type ReadinessBody,
} from '@props/contracts';
import { verifyPredictions } from '@props/grading';
import { FALLBACK_MODEL_VERSION } from '@props/models';
import { UsageError, type CliCommand } from '../cli-command';
import { BACKEND_ENVIRONMENT, WAREHOUSE_OPTIONS } from '../command-docs';
import { withWarehouseReads } from '../grading/grading-backend';
import { parseGradingArgs } from '../grading/warehouse-option';
import {
  CoordinatorCallError,
  callService,
  callerHeaders,
  readAnswer,
  refusalText,
  type ServiceAnswer,
} from '../coordinator-client';
import { isCloudError, oneLine, redactUrl } from '../cli-errors';

/** A past date of the 2024-25 season with a full slate: the smoke batch's default. */
export const SMOKE_DATE = '2025-03-15';

class SmokeFailure extends Error {}

interface Step {
  name: string;
  passed: boolean;
  detail: string;
}

const unready = (body: ReadinessBody) =>
  body.checks
    .filter((check) => check.status !== 'ok')
    .map(
      (check) =>
        `${check.name} ${check.status}: ${check.problem ?? 'unnamed problem'} (the service log has the details)`,
    )
    .join('; ');

/**
 * Cloud Run's IAM front end refuses a caller before the container sees the request, with an HTML
 * page instead of the service's JSON: 401 for a missing token or one for another audience, 403 for
 * an account without run.routes.invoke (https://cloud.google.com/run/docs/troubleshooting#unauthorized-client).
 */
function frontEndRefusal(name: string, answer: ServiceAnswer): SmokeFailure | null {
  if ((answer.status !== 401 && answer.status !== 403) || typeof (answer.body as { text?: unknown })?.text !== 'string')
    return null;
  const why =
    answer.status === 403
      ? "the token's account may not invoke the service; grant it roles/run.invoker on the service (run.routes.invoke)"
      : "no identity token, or one for another audience; set PROPS_SMOKE_ID_TOKEN to a token for the service's audience";
  return new SmokeFailure(`${name} refused the smoke's identity (HTTP ${answer.status} from Cloud Run): ${why}`);
}

/** The service's readiness, which must be ok (degraded fails a smoke): its commit. */
async function requireReady(name: string, url: string, headers: Record<string, string>): Promise<string> {
  const readinessUrl = `${url.replace(/\/$/, '')}/health/ready`;
  const answer = await callService(readinessUrl, { headers });
  const refusal = frontEndRefusal(name, answer);
  if (refusal) throw refusal;
  if (answer.status !== 200 && answer.status !== 503)
    throw new SmokeFailure(`${name} not ready (HTTP ${answer.status}): ${refusalText(answer.body)}`);
  const ready = readAnswer(ReadinessBodySchema, answer, readinessUrl);
  if (ready.status !== 'ok') throw new SmokeFailure(`${name} not ready (HTTP ${answer.status}): ${unready(ready)}`);
  return ready.commit;
}

/** Polls the batch until it is consolidated, or fails the smoke at the deadline. */
async function awaitConsolidated(
  coordinator: string,
  started: BatchStatusBody,
  headers: Record<string, string>,
  timeoutSeconds: number,
): Promise<BatchStatusBody> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let status = started;
  while (status.status !== 'consolidated') {
    if (Date.now() > deadline)
      throw new SmokeFailure(
        `batch ${status.batch_id} did not consolidate within ${timeoutSeconds} s: ${status.status}, ${status.players_pending} players pending${status.last_error ? `, last error: ${status.last_error}` : ''}`,
      );
    await sleep(2_000);
    const url = `${coordinator}/status/${status.batch_id}`;
    status = readAnswer(BatchStatusBodySchema, await callService(url, { headers }), url);
  }
  return status;
}

/** props verify of the smoke's date, with no fallback prediction allowed: the step's detail. */
async function verifySmokeBatch(date: string, warehouse: string, prefix: string): Promise<string> {
  const verification = await withWarehouseReads(process.env, warehouse, prefix, ({ verification: source }) =>
    verifyPredictions(source, { date }, 0.95, null),
  ).catch((error: unknown) => {
    // The warehouse refused the smoke's own reads (a disabled API, a missing grant): one line naming it.
    const named = error instanceof ServiceError || isCloudError(error);
    throw named ? new SmokeFailure(`props verify of ${date}: ${oneLine(error)}`) : error;
  });
  if (verification.failures.length > 0)
    throw new SmokeFailure(`props verify of ${date}: ${verification.failures.join('; ')}`);
  const fallbacks = verification.modelVersions
    .filter((row) => row.modelVersion === FALLBACK_MODEL_VERSION)
    .reduce((sum, row) => sum + row.rows, 0);
  if (fallbacks > 0)
    throw new SmokeFailure(
      `${fallbacks} of ${verification.rows} rows are fallback predictions: the worker serves without its models`,
    );
  return `${verification.rows} rows of ${date}, every one with its model_version, no fallback predictions`;
}

/** The smoke's options, each checked: a bad one is a usage error naming it. */
function parseSmokeArgs(args: readonly string[]) {
  const { values, warehouse, prefix } = parseGradingArgs(args, {
    coordinator: { type: 'string' },
    worker: { type: 'string' },
    date: { type: 'string', default: SMOKE_DATE },
    'timeout-seconds': { type: 'string', default: '600' },
    json: { type: 'boolean', default: false },
  });
  const coordinator = typeof values.coordinator === 'string' ? values.coordinator.replace(/\/$/, '') : '';
  if (!/^https?:\/\//.test(coordinator))
    throw new UsageError(
      `--coordinator: expected the coordinator's http(s) URL, got ${values.coordinator ?? 'nothing'}`,
    );
  if (typeof values.worker === 'string' && !/^https?:\/\//.test(values.worker))
    throw new UsageError(`--worker: expected the worker's http(s) URL, got ${values.worker}`);
  const date = String(values.date);
  if (!isCalendarDate(date)) throw new UsageError(`--date: expected YYYY-MM-DD, got ${date}`);
  const timeoutSeconds = Number(values['timeout-seconds']);
  if (!(timeoutSeconds >= 10))
    throw new UsageError(`--timeout-seconds: expected at least 10, got ${values['timeout-seconds']}`);
  return { values, warehouse, prefix, coordinator, date, timeoutSeconds };
}

/**
 * A smoke batch through a deployed (or local) stack: the services are ready, a real slate of a
 * past date goes through /start, the workers and consolidation, and what lands in the warehouse
 * passes props verify with no fallback predictions. Each step prints one line; the first failure
 * ends the run with exit 1.
 */
export const smokeCommand: CliCommand = {
  words: ['smoke'],
  summary:
    'run a smoke batch of a past date through a stack and check what it wrote (readiness, /start, consolidation, verify, no fallbacks)',
  usage:
    'props smoke --coordinator URL [--worker URL] [--date YYYY-MM-DD] [--timeout-seconds 600] [--json] [--warehouse FILE] [--dataset-prefix P]',
  options: [
    ['--coordinator URL', "the coordinator to start the batch on (a deploy's tagged revision URL, or a local one)"],
    ['--worker URL', "also require the worker's /health/ready"],
    ['--date D', `the game date of the smoke batch (default ${SMOKE_DATE})`],
    ['--timeout-seconds N', 'how long the batch may take to consolidate (default 600)'],
    ['--json', 'print the steps as one JSON document'],
    ...WAREHOUSE_OPTIONS,
  ],
  environment: [
    ['PROPS_API_KEY', "the coordinator's API key (x-api-key)"],
    [
      'PROPS_SMOKE_ID_TOKEN',
      'an identity token for the services on Cloud Run (yours: gcloud auth print-identity-token)',
    ],
    ...BACKEND_ENVIRONMENT,
  ],
  async run(args) {
    const { values, warehouse, prefix, coordinator, date, timeoutSeconds } = parseSmokeArgs(args);
    const headers = callerHeaders(process.env);
    const steps: Step[] = [];
    const step = (name: string, detail: string) => {
      steps.push({ name, passed: true, detail });
      if (!values.json) process.stdout.write(`ok      ${name}: ${detail}\n`);
    };
    try {
      for (const [name, url] of [
        ['worker', values.worker],
        ['coordinator', coordinator],
      ] as const) {
        if (typeof url !== 'string') continue;
        step(`${name} ready`, await requireReady(name, url, headers));
      }
      const startUrl = `${coordinator}/start`;
      const answer = await callService(startUrl, {
        method: 'POST',
        headers,
        body: JSON.stringify({ game_date: date, force: true, dataset_prefix: prefix, trigger_source: 'smoke' }),
      });
      const refusal = frontEndRefusal('coordinator', answer);
      if (refusal) throw refusal;
      if (answer.status !== 202)
        throw new SmokeFailure(
          `/start refused the smoke batch of ${date} (HTTP ${answer.status}): ${refusalText(answer.body)}`,
        );
      const started = readAnswer(BatchStatusBodySchema, answer, startUrl);
      step(
        'batch started',
        `${started.batch_id}, ${started.players_expected} players of ${date}${prefix ? ` in ${prefix}'s datasets` : ''}`,
      );
      const status = await awaitConsolidated(coordinator, started, headers, timeoutSeconds);
      const consolidation = status.consolidation!;
      if (consolidation.coverage < 0.95 || consolidation.rows_merged === 0)
        throw new SmokeFailure(
          `batch ${status.batch_id} consolidated with coverage ${(consolidation.coverage * 100).toFixed(1)}% and ${consolidation.rows_merged} rows`,
        );
      step(
        'batch consolidated',
        `${consolidation.rows_merged} rows, coverage ${(consolidation.coverage * 100).toFixed(1)}%, ${consolidation.duplicate_keys} duplicate keys`,
      );
      step('verified', await verifySmokeBatch(date, warehouse, prefix));
    } catch (error) {
      if (!(error instanceof SmokeFailure || error instanceof CoordinatorCallError)) throw error;
      steps.push({ name: 'failed', passed: false, detail: error.message });
      if (!values.json) process.stdout.write(`FAILED  ${error.message}\n`);
    }
    const passed = steps.every((entry) => entry.passed);
    if (values.json)
      process.stdout.write(
        `${JSON.stringify({ passed, coordinator: redactUrl(coordinator), date, dataset_prefix: prefix, steps }, null, 2)}\n`,
      );
    else process.stdout.write(passed ? 'smoke PASSED\n' : 'smoke FAILED\n');
    return passed ? 0 : 1;
  },
};
