import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { MalformedMessageError, decodePushEnvelope, encodePushEnvelope } from './push-envelope';

const Payload = z.object({ player_lookup: z.string().min(1), line: z.number() });

function rejection(body: unknown): { field: string; problem: string } {
  try {
    decodePushEnvelope(body, Payload);
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedMessageError);
    const { field, problem } = error as MalformedMessageError;
    return { field, problem };
  }
  throw new Error('expected a rejection');
}

const data = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

describe('decodePushEnvelope', () => {
  it('round-trips what encodePushEnvelope wrote, with id and delivery attempt', () => {
    const envelope = encodePushEnvelope(
      { player_lookup: 'lebronjames', line: 24.5 },
      'm-1',
      'projects/p/subscriptions/s',
      3,
    );
    expect(decodePushEnvelope(envelope, Payload)).toEqual({
      messageId: 'm-1',
      logicalId: null,
      deliveryId: 'm-1',
      deliveryAttempt: 3,
      payload: { player_lookup: 'lebronjames', line: 24.5 },
    });
  });

  it('takes the logical id from the attribute: two publishes of one message share it, whatever ids Pub/Sub gave them', () => {
    const first = decodePushEnvelope(
      encodePushEnvelope({ player_lookup: 'a', line: 1 }, '1111', 's', 1, 'batch_1.a'),
      Payload,
    );
    const republished = decodePushEnvelope(
      encodePushEnvelope({ player_lookup: 'a', line: 1 }, '2222', 's', 1, 'batch_1.a'),
      Payload,
    );
    expect([first.messageId, first.deliveryId]).toEqual(['batch_1.a', '1111']);
    expect([republished.messageId, republished.deliveryId]).toEqual(['batch_1.a', '2222']);
  });

  it('accepts Pub/Sub snake_case message_id', () => {
    expect(
      decodePushEnvelope({ message: { data: data({ player_lookup: 'a', line: 1 }), message_id: 'x' } }, Payload)
        .messageId,
    ).toBe('x');
  });

  it.each([
    ['null body', null, '(root)', 'expected a JSON object'],
    ['a string body', 'hello', '(root)', 'expected a JSON object'],
    ['no message', {}, 'message', ''],
    ['empty data', { message: { data: '', messageId: 'm' } }, 'message.data', 'empty'],
    ['no message id', { message: { data: data({ player_lookup: 'a', line: 1 }) } }, 'message.messageId', 'missing'],
    ['data that is not base64', { message: { data: 'not base64!', messageId: 'm' } }, 'message.data', 'not base64'],
    [
      'base64 that is not JSON',
      { message: { data: Buffer.from('{oops').toString('base64'), messageId: 'm' } },
      'message.data',
      'not base64-encoded JSON',
    ],
    [
      'a payload missing a field',
      { message: { data: data({ line: 1 }), messageId: 'm' } },
      'message.data.player_lookup',
      '',
    ],
    [
      'a logical id that could name a path',
      {
        message: {
          data: data({ player_lookup: 'a', line: 1 }),
          messageId: 'm',
          attributes: { props_message_id: '../../etc' },
        },
      },
      'message.attributes.props_message_id',
      'letters, digits',
    ],
    [
      'a payload field of the wrong type',
      { message: { data: data({ player_lookup: 'a', line: 'x' }), messageId: 'm' } },
      'message.data.line',
      'number',
    ],
  ])('rejects %s, naming the field', (_label, body, field, problem) => {
    const found = rejection(body);
    expect(found.field).toBe(field);
    expect(found.problem).toContain(problem);
  });
});
