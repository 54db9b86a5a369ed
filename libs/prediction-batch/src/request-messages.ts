import { requestGroupId, type PredictionMessage } from '@props/contracts';
import type { BatchRequests } from './prediction-requests';

/** Players per message on the local runtime when the coordinator is not told otherwise (PROPS_PLAYERS_PER_MESSAGE; docs/performance.md). */
export const DEFAULT_PLAYERS_PER_MESSAGE = 16;

/** One message of a batch's fan-out and the logical id it is published under. */
export interface RequestMessage {
  payload: PredictionMessage;
  messageId: string;
}

/**
 * A batch's requests as the messages that carry them: one player's request per message when
 * `playersPerMessage` is 1 (the original's message), otherwise groups of that many players in
 * player order. Each player's rows are staged under the player's own id either way, so a player
 * re-published alone after a stall replaces, never adds to, what its group staged.
 */
export function requestMessages(requests: BatchRequests, playersPerMessage: number): RequestMessage[] {
  const { players, messages, messageIds } = requests;
  if (playersPerMessage <= 1)
    return players.map((player) => ({ payload: messages[player]!, messageId: messageIds[player]! }));
  const groups: RequestMessage[] = [];
  for (let start = 0; start < players.length; start += playersPerMessage) {
    const group = players.slice(start, start + playersPerMessage).map((player) => messages[player]!);
    groups.push({ payload: { requests: group }, messageId: requestGroupId(group) });
  }
  return groups;
}
