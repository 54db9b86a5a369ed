import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import {
  BatchListBodySchema,
  BatchStatusBodySchema,
  CheckStalledRequestSchema,
  CompletionMessageSchema,
  completionsOf,
  ErrorBodySchema,
  GameDateSchema,
  MalformedMessageError,
  StartBatchRequestSchema,
  type StartBatchRequest,
  ServiceError,
  unknownStartFields,
  type RejectedMessageStore,
} from '@props/contracts';
import { LogEvent } from '@props/observability';
import { registerPushRoute, replyWithError, type ZodTypeProvider } from '@props/service-runtime';
import type { BatchOrchestrator } from './batch/batch-orchestrator';

/**
 * /start, /complete and /check-stalled over the batch orchestrator, in a plugin of their own whose
 * `guard` (the caller check) protects exactly them; the read-only /status routes stay open.
 */
export function registerBatchRoutes(
  app: FastifyInstance,
  batches: BatchOrchestrator,
  rejected: RejectedMessageStore,
  guard: (scope: FastifyInstance) => void,
): void {
  void app.register(async (guarded) => {
    guard(guarded);
    registerStartRoute(guarded, batches);
    registerCompletionRoute(guarded, batches, rejected);
    registerStallCheckRoute(guarded, batches);
  });
  registerStatusRoutes(app, batches);
}

/** How many not-honoured `/start` fields one start_requested line names. */
const MAX_LOGGED_FIELDS = 20;

/** What `/start` does not honour of what it was sent: unknown fields, a range, several lines. */
function notHonoured(request: StartBatchRequest): string[] {
  return [
    ...unknownStartFields(request),
    ...(request.start_date !== undefined || request.end_date !== undefined
      ? ['start_date/end_date (a range is not supported: one date per batch)']
      : []),
    ...(request.use_multiple_lines ? ['use_multiple_lines (one line per player)'] : []),
  ];
}

function registerStartRoute(app: FastifyInstance, batches: BatchOrchestrator): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.post(
    '/start',
    {
      schema: { body: StartBatchRequestSchema, response: { 202: BatchStatusBodySchema } },
      // A body that is not an object (null, a list, a number) is refused: it must never mean "today".
      preValidation: async (request) => {
        const body: unknown = request.body;
        if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body)))
          throw new MalformedMessageError('(root)', 'expected a JSON object');
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { game_date, force, dataset_prefix, min_minutes, correlation_id, trigger_source, parent_processor } = body;
      // Cloud Logging refuses an entry over 256 KB: a body of many (or long) unknown fields is logged cut, with its count.
      const notHonouredAll = notHonoured(body);
      const ignored = notHonouredAll.slice(0, MAX_LOGGED_FIELDS).map((field) => field.slice(0, 120));
      if (notHonouredAll.length > MAX_LOGGED_FIELDS)
        ignored.push(`… and ${notHonouredAll.length - MAX_LOGGED_FIELDS} more fields`);
      request.log.info(
        {
          event: LogEvent.startRequested,
          game_date,
          force,
          min_minutes,
          correlation_id,
          trigger_source,
          parent_processor,
          ignored,
        },
        `start requested by ${trigger_source ?? 'an unnamed caller'}${ignored.length > 0 ? `; not honoured: ${ignored.join(', ')}` : ''}`,
      );
      // A refusal (a running batch, no players, a missing warehouse) is a ServiceError: the error handler answers it.
      return reply.code(202).send(
        await batches.start({
          game_date,
          force,
          dataset_prefix,
          minMinutes: min_minutes,
          correlationId: correlation_id ?? null,
          triggerSource: trigger_source ?? null,
        }),
      );
    },
  );
}

function registerCompletionRoute(
  app: FastifyInstance,
  batches: BatchOrchestrator,
  rejected: RejectedMessageStore,
): void {
  registerPushRoute(app, {
    path: '/complete',
    service: 'coordinator',
    payload: CompletionMessageSchema,
    rejected,
    // One player's completion answers its outcome; a group's, how many of each (recorded=15 ignored=1).
    handle: async ({ payload }) => {
      const outcomes = await batches.complete(completionsOf(payload));
      if (!('completions' in payload)) return { 'x-completion': outcomes[0]! };
      const recorded = outcomes.filter((outcome) => outcome === 'recorded').length;
      return { 'x-completion': `recorded=${recorded} ignored=${outcomes.length - recorded}` };
    },
  });
}

/** `?game_date=` of GET /status. */
const StatusQuerySchema = z.object({
  game_date: z.string({ error: 'expected ?game_date=YYYY-MM-DD' }).pipe(GameDateSchema),
});

/** The longest `?wait_ms=` of GET /status/:batchId: a caller waiting longer asks again. */
export const MAX_STATUS_WAIT_MS = 10_000;

/**
 * `?wait_ms=` of GET /status/:batchId: answer once a running batch changes (its phase or the
 * players pending), or after that many milliseconds; absent or 0 answers at once.
 */
const BatchStatusQuerySchema = z.object({
  wait_ms: z.coerce
    .number({ error: `expected ?wait_ms=0-${MAX_STATUS_WAIT_MS} (milliseconds)` })
    .int({ error: `expected ?wait_ms=0-${MAX_STATUS_WAIT_MS} (whole milliseconds)` })
    .min(0, { error: `expected ?wait_ms=0-${MAX_STATUS_WAIT_MS}` })
    .max(MAX_STATUS_WAIT_MS, { error: `expected ?wait_ms=0-${MAX_STATUS_WAIT_MS}` })
    .optional(),
});

function registerStatusRoutes(app: FastifyInstance, batches: BatchOrchestrator): void {
  // A closing server waits for the requests in flight: the status waits answer now, not at their deadline
  // (https://fastify.dev/docs/latest/Reference/Hooks/#preclose).
  app.addHook('preClose', async () => batches.stopWaiting());
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    '/status/:batchId',
    {
      schema: {
        params: z.object({ batchId: z.string().min(1) }),
        querystring: BatchStatusQuerySchema,
        response: { 200: BatchStatusBodySchema, 404: ErrorBodySchema },
      },
    },
    async (request, reply) => {
      const status = await batches.status(request.params.batchId, request.query.wait_ms);
      return status ? status : replyWithError(reply, new ServiceError('no_such_batch', 'no such batch'));
    },
  );
  routes.get(
    '/status',
    { schema: { querystring: StatusQuerySchema, response: { 200: BatchListBodySchema } } },
    async (request) => ({
      game_date: request.query.game_date,
      batches: await batches.statusByDate(request.query.game_date),
    }),
  );
}

function registerStallCheckRoute(app: FastifyInstance, batches: BatchOrchestrator): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.post('/check-stalled', { schema: { body: CheckStalledRequestSchema } }, async (request) => {
    const { batch_id, force, stall_threshold_minutes, min_completion_pct } = request.body;
    return {
      actions: await batches.checkStalled({
        batchId: batch_id,
        force,
        stallMinutes: stall_threshold_minutes,
        minCoverage: min_completion_pct === undefined ? undefined : min_completion_pct / 100,
      }),
    };
  });
}
