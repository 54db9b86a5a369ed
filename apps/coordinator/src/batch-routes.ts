import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  BatchListBodySchema,
  BatchStatusBodySchema,
  CompletionEventSchema,
  ErrorBodySchema,
  GameDateSchema,
  MalformedMessageError,
  StartBatchRequestSchema,
  type StartBatchRequest,
  decodePushEnvelope,
  rejectedMessage,
  unknownStartFields,
} from '@props/contracts';
import { acknowledgeRejection, type RejectedMessageStore } from '@props/messaging';
import { LogEvent } from '@props/observability';
import type { ZodTypeProvider } from '@props/service-runtime';
import type { BatchOrchestrator } from './batch/batch-orchestrator';

/**
 * The stall check's body; the original's scheduler job sends `{"stall_threshold_minutes": 10,
 * "min_completion_pct": 95.0}` (docs/operations/cutover.md, "Callers"), honoured here.
 */
const CheckStalledSchema = z.object({
  batch_id: z.string().max(200).optional(),
  force: z.boolean().default(false),
  stall_threshold_minutes: z.number().positive().max(1440).optional(),
  min_completion_pct: z.number().min(0).max(100).optional(),
});

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
  app.post('/complete', async (request, reply) => {
    try {
      const { payload } = decodePushEnvelope(request.body, CompletionEventSchema);
      const outcome = await batches.complete(payload);
      return reply.code(204).header('x-completion', outcome).send();
    } catch (error) {
      if (!(error instanceof MalformedMessageError)) throw error;
      // A push Pub/Sub would redeliver forever unless acknowledged: record it, then acknowledge.
      const rejection = rejectedMessage('coordinator', request.body, error);
      request.log.warn(
        {
          event: LogEvent.messageRejected,
          field: error.field,
          problem: error.problem,
          delivery_id: rejection.delivery_id,
        },
        'completion event rejected',
      );
      const answer = await acknowledgeRejection(rejected, rejection);
      if (answer.capReached)
        request.log.error(
          { event: LogEvent.rejectedMessagesCapped, ...answer.capReached },
          `batch ${answer.capReached.batch}: ${answer.capReached.cap} rejected messages stored; later ones are counted, not stored`,
        );
      if (answer.failure)
        request.log.error(
          { event: LogEvent.requestFailed, reason: answer.failure },
          `could not record a rejected message: ${answer.failure}`,
        );
      return reply.code(answer.status).send(answer.body);
    }
  });
}

/** `?game_date=` of GET /status. */
const StatusQuerySchema = z.object({
  game_date: z.string({ error: 'expected ?game_date=YYYY-MM-DD' }).pipe(GameDateSchema),
});

function registerStatusRoutes(app: FastifyInstance, batches: BatchOrchestrator): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    '/status/:batchId',
    {
      schema: {
        params: z.object({ batchId: z.string().min(1) }),
        response: { 200: BatchStatusBodySchema, 404: ErrorBodySchema },
      },
    },
    async (request, reply) => {
      const status = await batches.status(request.params.batchId);
      return status ? status : reply.code(404).send({ error: 'no such batch', code: 'no_such_batch' });
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
  routes.post('/check-stalled', { schema: { body: CheckStalledSchema } }, async (request) => {
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
