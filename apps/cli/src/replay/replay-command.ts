import { errorMessage } from '@props/contracts';
import { HttpPushPublisher } from '@props/messaging';
import { join, resolve } from 'node:path';
import { UsageError, parseCommandArgs, type CliCommand } from '../cli-command';
import { callService, callerHeaders } from '../coordinator-client';
import { readRecordedMessages, setAsideReplayed, type RecordedMessage } from './recorded-messages';

const SOURCES = ['dead-letter', 'rejected'] as const;
type Source = (typeof SOURCES)[number];

interface ReplayTargets {
  /** The worker's /predict URL. */
  worker?: string;
  /** The coordinator's base URL (its /complete receives completions). */
  coordinator?: string;
  headers: Record<string, string>;
}

/** `superseded`: the service recorded the message again itself (rejected anew), so the old record is set aside too. */
type Outcome = { replayed: true } | { replayed: false; reason: string; superseded?: boolean };

function checkedUrl(option: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^https?:\/\/[^/]/.test(value)) throw new UsageError(`${option}: expected an http(s) URL, got ${value}`);
  return value.replace(/\/$/, '');
}

/** Delivers a dead letter as the push subscription would have: a fresh push envelope, Pub/Sub's acknowledgement rules. */
async function replayDeadLetter(message: RecordedMessage, targets: ReplayTargets): Promise<Outcome> {
  const endpoint = message.route === 'complete' ? `${targets.coordinator}/complete` : targets.worker;
  if (!endpoint)
    return { replayed: false, reason: `no ${message.route === 'complete' ? '--coordinator' : '--worker'} given` };
  const publisher = new HttpPushPublisher({
    endpoints: { [message.topic]: endpoint },
    maxAttempts: 3,
    initialBackoffMs: 200,
    headers: targets.headers,
  });
  try {
    await publisher.publish(message.topic, message.payload, { messageId: message.messageId ?? undefined });
    return { replayed: true };
  } catch (error) {
    return { replayed: false, reason: errorMessage(error) };
  }
}

/** Sends a rejected message's envelope again, as received, to the route that refused it. */
async function replayRejected(message: RecordedMessage, targets: ReplayTargets): Promise<Outcome> {
  const endpoint =
    message.route === 'complete' ? targets.coordinator && `${targets.coordinator}/complete` : targets.worker;
  if (!endpoint)
    return { replayed: false, reason: `no ${message.route === 'complete' ? '--coordinator' : '--worker'} given` };
  const answer = await callService(endpoint, {
    method: 'POST',
    headers: targets.headers,
    body: JSON.stringify(message.envelope),
  });
  if (answer.status < 200 || answer.status > 204) return { replayed: false, reason: `HTTP ${answer.status}` };
  const rejected = (answer.body as { rejected?: { field?: string; problem?: string } }).rejected;
  if (rejected)
    return {
      replayed: false,
      superseded: true,
      reason: `rejected again, recorded anew: ${rejected.field}: ${rejected.problem}`,
    };
  return { replayed: true };
}

/**
 * `props replay`: the messages the local runtime could not deliver (dead letters) or acknowledged
 * without processing (rejected), sent again once their cause is fixed. A message that goes
 * through is moved to `replayed/` beside its record, so a second run sends only what is left.
 */
export const replayCommand: CliCommand = {
  words: ['replay'],
  summary: 'send dead-lettered or rejected messages again once their cause is fixed (local runtime)',
  usage:
    'props replay --source dead-letter|rejected [--worker URL] [--coordinator URL] [--batch ID] [--data-dir DIR] [--dry-run]',
  options: [
    [
      '--source dead-letter|rejected',
      "what to replay: the delivery queue's dead letters, or messages a service rejected",
    ],
    ['--worker URL', "the worker's /predict URL, for requests (default: the first of $PROPS_WORKER_URLS)"],
    ['--coordinator URL', 'the coordinator, for completions (its /complete)'],
    ['--batch ID', "only this batch's messages"],
    ['--data-dir DIR', 'the local runtime folder that holds dead-letter/ and rejected/ (default $PROPS_DATA_DIR, var)'],
    ['--dry-run', 'list what would be sent, send nothing'],
  ],
  environment: [
    ['PROPS_DATA_DIR', 'the local runtime folder (var)'],
    ['PROPS_WORKER_URLS', "the workers' /predict URLs; the first is the default of --worker"],
    ['PROPS_API_KEY', "the coordinator's API key, sent with every message"],
  ],
  async run(args) {
    const { values } = parseCommandArgs({
      args: [...args],
      options: {
        source: { type: 'string' },
        worker: { type: 'string' },
        coordinator: { type: 'string' },
        batch: { type: 'string' },
        'data-dir': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
      },
    });
    const source = values.source as Source | undefined;
    if (!source || !SOURCES.includes(source))
      throw new UsageError(`--source: expected ${SOURCES.join(' or ')}, got ${values.source ?? 'nothing'}`);
    if (process.env.PROPS_BACKEND === 'gcp')
      throw new UsageError(
        'props replay reads the local runtime; on gcp see docs/runbooks/message_dead_lettered.md and message_rejected.md',
      );
    const targets: ReplayTargets = {
      worker: checkedUrl('--worker', values.worker ?? process.env.PROPS_WORKER_URLS?.split(',')[0]?.trim()),
      coordinator: checkedUrl('--coordinator', values.coordinator),
      headers: callerHeaders(process.env),
    };
    const folder = resolve(values['data-dir'] ?? process.env.PROPS_DATA_DIR ?? 'var', source);
    const messages = readRecordedMessages(source, folder).filter(
      (message) => values.batch === undefined || message.batchId === values.batch,
    );
    for (const problem of messages.filter((message) => message.unreadable))
      process.stdout.write(`  unreadable ${problem.file}: ${problem.unreadable}\n`);
    const sendable = messages.filter((message) => !message.unreadable);
    process.stdout.write(
      `replay ${source} from ${folder}: ${sendable.length} message(s)${values.batch ? ` of batch ${values.batch}` : ''}\n`,
    );
    let failed = messages.length - sendable.length;
    for (const message of sendable) {
      const label = `${message.messageId ?? message.file} (${message.route})`;
      if (values['dry-run']) {
        process.stdout.write(`  would send ${label}\n`);
        continue;
      }
      const outcome =
        source === 'dead-letter' ? await replayDeadLetter(message, targets) : await replayRejected(message, targets);
      if (outcome.replayed) {
        setAsideReplayed(join(folder, message.file), join(folder, 'replayed'));
        process.stdout.write(`  sent ${label}\n`);
      } else {
        if (outcome.superseded) setAsideReplayed(join(folder, message.file), join(folder, 'replayed'));
        failed += 1;
        process.stdout.write(`  kept ${label}: ${outcome.reason}\n`);
      }
    }
    process.stdout.write(
      values['dry-run']
        ? 'dry run: nothing sent\n'
        : `${sendable.length - (failed - (messages.length - sendable.length))} sent, ${failed} kept\n`,
    );
    return failed > 0 ? 1 : 0;
  },
};
