import { describe, expect, it } from 'vitest';
import { PredictionMessageSchema, requestGroupId, requestsOf, type PredictionRequest } from '@props/contracts';
import type { BatchRequests } from './prediction-requests';
import { requestMessages } from './request-messages';

function batchOf(players: string[]): BatchRequests {
  const messages: Record<string, PredictionRequest> = {};
  const messageIds: Record<string, string> = {};
  for (const player of players) {
    messageIds[player] = `batch_x.${player}`;
    messages[player] = {
      batch_id: 'batch_x',
      player_lookup: player,
      universal_player_id: null,
      game_id: '20250115_BOS_LAL',
      game_date: '2025-01-15',
      team_abbr: 'LAL',
      opponent_team_abbr: 'BOS',
      is_home: true,
      line_values: [20.5],
      line_source: 'ACTUAL_PROP',
      sportsbook: null,
      dataset_prefix: '',
      features: { feature_version: 'v2_33features', values: [1, 2, 3], quality_score: 90 },
      history: [],
      injury: null,
    };
  }
  return { players, messages, messageIds };
}

describe('requestMessages', () => {
  const players = ['a1', 'b2', 'c3', 'd4', 'e5', 'f6', 'g7'];

  it("sends one player's request per message under the player's id when told 1 (the original's message)", () => {
    const messages = requestMessages(batchOf(players), 1);
    expect(messages.map((message) => message.messageId)).toEqual(players.map((player) => `batch_x.${player}`));
    expect(messages.map((message) => (message.payload as PredictionRequest).player_lookup)).toEqual(players);
  });

  it('groups the players in order, every player exactly once, each group under its own id, each a valid message', () => {
    const messages = requestMessages(batchOf(players), 3);
    expect(messages.map((message) => requestsOf(message.payload).map((request) => request.player_lookup))).toEqual([
      ['a1', 'b2', 'c3'],
      ['d4', 'e5', 'f6'],
      ['g7'],
    ]);
    expect(messages.map((message) => message.messageId)).toEqual(['batch_x.a1.3', 'batch_x.d4.3', 'batch_x.g7.1']);
    for (const message of messages) {
      expect(PredictionMessageSchema.safeParse(message.payload).success).toBe(true);
      expect(message.messageId).toBe(requestGroupId(requestsOf(message.payload)));
    }
  });

  it('sends a batch smaller than a group as one group', () => {
    expect(requestMessages(batchOf(players), 16)).toHaveLength(1);
  });
});
