import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { plainlyValidEnvelope } from './plainly-valid-envelope';
import { LOGICAL_ID_ATTRIBUTE, decodePushEnvelope, encodePushEnvelope } from './push-envelope';
import { PushEnvelopeSchema } from './push-envelope-schema';
import { probed } from './test-support/probed';

/** What Pub/Sub POSTs (https://cloud.google.com/pubsub/docs/push#receive_push): both spellings of the ids. */
const pubSubEnvelope = {
  message: {
    attributes: { [LOGICAL_ID_ATTRIBUTE]: 'batch_1.lebronjames', origin: 'coordinator' },
    data: Buffer.from('{"line":1}').toString('base64'),
    messageId: '2070443601311540',
    message_id: '2070443601311540',
    publishTime: '2024-11-04T15:00:00.123Z',
    publish_time: '2024-11-04T15:00:00.123Z',
    deliveryAttempt: 2,
  },
  subscription: 'projects/p/subscriptions/worker-push',
  deliveryAttempt: 2,
};

/** Values a field could wrongly hold: each type, both sides of every bound the schema sets. */
const PROBES: unknown[] = [
  undefined,
  null,
  '',
  'x',
  true,
  0,
  -1,
  1,
  1.5,
  2 ** 53,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  {},
  [],
  ['x'],
  { a: 'x' },
  { a: 1 },
  { a: null },
  Object.assign(Object.create(null) as object, { a: 'x' }),
  { [Symbol('key')]: 'x' },
  new Map([['a', 'x']]),
];

const FIELDS = [
  'message',
  'subscription',
  'deliveryAttempt',
  'extra',
  ...[
    'data',
    'messageId',
    'message_id',
    'publishTime',
    'publish_time',
    'attributes',
    'deliveryAttempt',
    'extra',
    `attributes.${LOGICAL_ID_ATTRIBUTE}`,
    'attributes.origin',
    'attributes.extra',
  ].map((field) => `message.${field}`),
];

/** The fields decodePushEnvelope reads, from the envelope as given or as the schema returned it. */
const readFields = (envelope: z.infer<typeof PushEnvelopeSchema>) => [
  envelope.message.data,
  envelope.message.messageId,
  envelope.message.message_id,
  envelope.message.attributes?.[LOGICAL_ID_ATTRIBUTE],
  envelope.message.deliveryAttempt,
  envelope.deliveryAttempt,
];

describe('the quick envelope check', () => {
  it("passes Pub/Sub's envelope and the local publisher's, which decode as before", () => {
    const local = encodePushEnvelope({ line: 1 }, 'delivery-1', 'worker', 3, 'batch_1.lebronjames');
    for (const envelope of [pubSubEnvelope, local]) {
      expect(plainlyValidEnvelope(envelope)).toBe(true);
      expect(readFields(PushEnvelopeSchema.parse(envelope))).toEqual(readFields(envelope));
    }
    expect(decodePushEnvelope(pubSubEnvelope, z.object({ line: z.number() }))).toEqual({
      messageId: 'batch_1.lebronjames',
      logicalId: 'batch_1.lebronjames',
      deliveryId: '2070443601311540',
      deliveryAttempt: 2,
      payload: { line: 1 },
    });
  });

  it('never passes an envelope the schema refuses or reads differently: any field set to any probe value (missing included)', () => {
    const wronglyPassed: string[] = [];
    for (const path of FIELDS)
      for (const probe of PROBES) {
        const envelope = probed(pubSubEnvelope, path, probe);
        if (!plainlyValidEnvelope(envelope)) continue;
        const parsed = PushEnvelopeSchema.safeParse(envelope);
        if (!parsed.success || !isDeepStrictEqual(readFields(parsed.data), readFields(envelope)))
          wronglyPassed.push(`${path}=${String(probe)}`);
      }
    expect(wronglyPassed).toEqual([]);
    for (const body of [null, 'text', [], [pubSubEnvelope]]) expect(plainlyValidEnvelope(body)).toBe(false);
  });

  it('leaves the refusal and its message to the schema', () => {
    const refused = probed(pubSubEnvelope, 'message.deliveryAttempt', 1.5);
    expect(plainlyValidEnvelope(refused)).toBe(false);
    expect(() => decodePushEnvelope(refused, z.unknown())).toThrow('message.deliveryAttempt: ');
  });
});
