import { mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import { errorMessage } from '@props/contracts';

/** A message the local runtime recorded instead of processing: a dead letter or a rejection. */
export interface RecordedMessage {
  file: string;
  /** Which route takes it: the worker's /predict (requests) or the coordinator's /complete (completions). */
  route: 'predict' | 'complete';
  messageId: string | null;
  batchId: string | null;
  /** Dead letters: the topic and payload the delivery queue gave up on. */
  topic: string;
  payload: unknown;
  /** Rejections: the push envelope as the service received it. */
  envelope: unknown;
  /** Why the record cannot be replayed (unreadable JSON, a missing field), when it cannot. */
  unreadable?: string;
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

/** The batch of a message: its own field, or its first item's in a group of requests or completions. */
const batchOf = (payload: unknown): string | null => {
  const message = record(payload);
  const group = Array.isArray(message.requests) ? message.requests : message.completions;
  const batch = (Array.isArray(group) ? record(group[0]) : message).batch_id;
  return typeof batch === 'string' ? batch : null;
};

/** The payload inside a push envelope (`message.data`, base64 JSON), when it decodes. */
function envelopePayload(envelope: unknown): unknown {
  const data = record(record(envelope).message).data;
  if (typeof data !== 'string') return undefined;
  try {
    return JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function readDeadLetter(file: string, text: string): RecordedMessage {
  const letter = record(JSON.parse(text));
  const base = {
    file,
    route: 'predict' as const,
    messageId: typeof letter.messageId === 'string' ? letter.messageId : null,
    batchId: batchOf(letter.payload),
    topic: typeof letter.topic === 'string' ? letter.topic : '',
    payload: letter.payload,
    envelope: undefined,
  };
  return base.topic === '' || letter.payload === undefined
    ? { ...base, unreadable: 'a dead letter needs topic and payload' }
    : base;
}

function readRejection(file: string, text: string): RecordedMessage {
  const rejection = record(JSON.parse(text));
  const route = rejection.service === 'coordinator' ? ('complete' as const) : ('predict' as const);
  const base = {
    file,
    route,
    messageId: typeof rejection.message_id === 'string' ? rejection.message_id : null,
    batchId: null,
    topic: '',
    payload: undefined,
    envelope: undefined as unknown,
  };
  // The body is stored as JSON (`body_json`), or as the string it was when cut at the recording limit.
  if ('body_json' in rejection)
    return { ...base, envelope: rejection.body_json, batchId: batchOf(envelopePayload(rejection.body_json)) };
  if (typeof rejection.body !== 'string') return { ...base, unreadable: 'a rejection needs its body' };
  try {
    const envelope = JSON.parse(rejection.body) as unknown;
    return { ...base, envelope, batchId: batchOf(envelopePayload(envelope)) };
  } catch {
    return { ...base, unreadable: 'its body was cut at the recording limit or is not JSON' };
  }
}

/** Every record in the folder (not its `replayed/`), oldest name first; an unreadable one says why. */
export function readRecordedMessages(source: 'dead-letter' | 'rejected', folder: string): RecordedMessage[] {
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  return names.sort().map((name) => {
    try {
      const text = readFileSync(join(folder, name), 'utf8');
      return source === 'dead-letter' ? readDeadLetter(name, text) : readRejection(name, text);
    } catch (error) {
      return {
        file: name,
        route: 'predict',
        messageId: null,
        batchId: null,
        topic: '',
        payload: undefined,
        envelope: undefined,
        unreadable: errorMessage(error),
      };
    }
  });
}

/** Moves a replayed record aside, so the next run does not send it again and it stays for the record. */
export function setAsideReplayed(file: string, folder: string): void {
  mkdirSync(folder, { recursive: true });
  renameSync(file, join(folder, basename(file)));
}
