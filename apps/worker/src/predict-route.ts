import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  DatasetPrefixError,
  LOGICAL_ID_ATTRIBUTE,
  MalformedMessageError,
  PredictionMessageSchema,
  ServiceError,
  rejectedMessage,
  requestGroupId,
  requestMessageId,
  requestsOf,
  type PredictionMessage,
  type PushEnvelope,
  type RejectedMessageStore,
} from '@props/contracts';
import { FeatureVectorError } from '@props/feature-vector';
import { PublishError } from '@props/messaging';
import { INVALID_FEATURES, PredictionInputError } from '@props/models';
import { LogEvent } from '@props/observability';
import { StagingWriteError } from '@props/prediction-store';
import { recordRejection, registerPushRoute } from '@props/service-runtime';
import type { PlayerRequest, PlayerResult, PredictionPipeline } from './prediction-pipeline';

/**
 * `POST /predict`, the Pub/Sub push endpoint (registerPushRoute answers), for one player's request
 * or a group of them: a message that can never be processed (malformed, invalid features) is
 * recorded and acknowledged naming the field and the problem, nothing staged; in a group, only
 * the player at fault is (recorded as its own single message), and the others are predicted. 204 once the rows are staged and the
 * completion published; 503 (transient) when staging or publishing failed, so Pub/Sub redelivers
 * the whole message (each player's staging is replaced, never added to).
 */
export function registerPredictRoute(
  app: FastifyInstance,
  pipeline: PredictionPipeline,
  rejected: RejectedMessageStore,
): void {
  registerPushRoute(app, {
    path: '/predict',
    service: 'worker',
    payload: PredictionMessageSchema,
    rejected,
    handle: async ({ messageId, logicalId, deliveryId, payload }, request) => {
      const players = playerRequests(payload, messageId, logicalId);
      const first = players[0]!.request;
      const context = {
        message_id: messageId,
        delivery_id: deliveryId,
        batch_id: first.batch_id,
        player_lookup: players.map((player) => player.request.player_lookup).join(','),
        game_date: first.game_date,
      };
      try {
        const results =
          'requests' in payload
            ? await handleGroup(pipeline, players, rejected, request)
            : await pipeline.handle(players, false);
        logStaged(results, request, context);
      } catch (error) {
        throw pushFailure(error, request, context);
      }
    },
  });
}

/**
 * The message's requests under the ids their rows are staged by. The logical id names the batch
 * and player (or group) it was published for; content under another's id (a forged payload
 * reusing a real id from the open /status) is refused, never staged. Without a logical id, the
 * delivery id names a single request's staging: one that cannot be a file or table name is
 * refused, not retried; a group always travels with its logical id.
 */
function playerRequests(payload: PredictionMessage, messageId: string, logicalId: string | null): PlayerRequest[] {
  const requests = requestsOf(payload);
  const attribute = `message.attributes.${LOGICAL_ID_ATTRIBUTE}`;
  if ('requests' in payload) {
    if (logicalId !== requestGroupId(requests))
      throw new MalformedMessageError(
        attribute,
        `a group of requests must carry its id (expected ${requestGroupId(requests)}: <batch_id>.<first player_lookup>.<count>)`,
      );
    return requests.map((request) => ({ messageId: requestMessageId(request), request }));
  }
  if (logicalId === null && !/^[A-Za-z0-9_.-]{1,200}$/.test(messageId))
    throw new MalformedMessageError('message.messageId', 'expected 1 to 200 letters, digits, ".", "_" or "-"');
  if (logicalId !== null && logicalId !== requestMessageId(payload))
    throw new MalformedMessageError(
      attribute,
      "does not name the payload's batch_id and player_lookup (expected <batch_id>.<player_lookup>)",
    );
  return [{ messageId, request: payload }];
}

/**
 * A group in one pass; when a player's features or inputs can never be used, each player on its
 * own, so only that player is recorded as rejected and the rest are staged and completed.
 */
async function handleGroup(
  pipeline: PredictionPipeline,
  players: readonly PlayerRequest[],
  rejected: RejectedMessageStore,
  request: FastifyRequest,
): Promise<PlayerResult[]> {
  try {
    return await pipeline.handle(players, true);
  } catch (error) {
    if (neverUsable(error) === null) throw error;
  }
  const results: PlayerResult[] = [];
  for (const player of players) {
    try {
      results.push(...(await pipeline.handle([player], true)));
    } catch (error) {
      const fault = neverUsable(error);
      if (fault === null) throw error;
      // Recorded as the player's own single message, so `props replay` re-sends that player alone.
      await recordRejection(rejected, rejectedMessage('worker', playerEnvelope(request.body, player), fault), request);
    }
  }
  return results;
}

/** The group's push envelope as the player's own single message, under the player's id. */
function playerEnvelope(body: unknown, player: PlayerRequest): PushEnvelope {
  const envelope = body as PushEnvelope;
  return {
    ...envelope,
    message: {
      ...envelope.message,
      data: Buffer.from(JSON.stringify(player.request), 'utf8').toString('base64'),
      attributes: { ...envelope.message.attributes, [LOGICAL_ID_ATTRIBUTE]: player.messageId },
    },
  };
}

/** The field and problem of features or inputs the models can never use, or null for any other error. */
function neverUsable(error: unknown): { field: string; problem: string } | null {
  if (error instanceof FeatureVectorError)
    return { field: `message.data.features.${error.field}`, problem: error.problem };
  if (error instanceof PredictionInputError) return { field: `message.data.${error.field}`, problem: error.problem };
  // The message schema refuses a bad prefix first; the staging store's own check stays a refusal, not a retry.
  if (error instanceof DatasetPrefixError) return { field: 'message.data.dataset_prefix', problem: error.problem };
  return null;
}

/**
 * One `prediction_staged` line per message, naming its players (per player, a group's logging was
 * a tenth of the worker's CPU per batch; nothing reads the line per player). A player's invalid
 * features stay a warning of its own, which an alert counts.
 */
function logStaged(results: readonly PlayerResult[], request: FastifyRequest, message: Record<string, string>): void {
  for (const result of results) {
    const invalid = result.skipped.find((skip) => skip.reason.startsWith(`${INVALID_FEATURES}:`));
    if (invalid)
      request.log.warn(
        { event: LogEvent.invalidFeatures, ...message, ...playerContext(result), reason: invalid.reason },
        invalid.reason,
      );
  }
  const rows = results.reduce((total, result) => total + result.rowsStaged, 0);
  const staged =
    results.length === 1
      ? { ...playerContext(results[0]!), rows, skipped: results[0]!.skipped }
      : {
          rows,
          rows_per_player: Object.fromEntries(
            results.map((result) => [result.request.player_lookup, result.rowsStaged]),
          ),
          skipped: results.flatMap((result) =>
            result.skipped.map((skip) => ({ player_lookup: result.request.player_lookup, ...skip })),
          ),
        };
  request.log.info({ event: LogEvent.predictionStaged, ...message, ...staged }, `staged ${rows} rows`);
}

function playerContext(result: PlayerResult): Record<string, string> {
  return {
    message_id: result.messageId,
    batch_id: result.request.batch_id,
    player_lookup: result.request.player_lookup,
  };
}

/**
 * What a failed prediction answers: features or inputs the models cannot use can never succeed
 * (recorded and acknowledged); a staging or publishing failure is logged with its event and is
 * transient (redelivered); anything else stays as it is (an internal error).
 */
function pushFailure(error: unknown, request: FastifyRequest, context: Record<string, string>): unknown {
  const fault = neverUsable(error);
  if (fault) return new MalformedMessageError(fault.field, fault.problem);
  if (!(error instanceof StagingWriteError || error instanceof PublishError)) return error;
  const staging = error instanceof StagingWriteError;
  request.log.error(
    {
      event: staging ? LogEvent.stagingWriteFailed : LogEvent.completionPublishFailed,
      ...context,
      reason: error.message,
    },
    error.message,
  );
  return new ServiceError(staging ? 'staging_failed' : 'completion_publish_failed', 'transient failure, retry');
}
