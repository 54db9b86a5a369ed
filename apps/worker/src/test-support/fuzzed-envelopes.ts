import { encodePushEnvelope } from '@props/contracts';
import { validRequest } from './valid-request';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A value of a type the field's schema never accepts (no coercion anywhere, so each is invalid). */
function wrongType(value: Json, pick: () => number): Json {
  const choices: Json[] =
    typeof value === 'string'
      ? [42, {}, [], true]
      : typeof value === 'number'
        ? ['12', {}, [], false]
        : typeof value === 'boolean'
          ? ['true', 1, {}]
          : Array.isArray(value)
            ? ['[]', {}, 7]
            : ['{}', 3, ['x']];
  return choices[Math.floor(pick() * choices.length)]!;
}

/** Every path to a leaf or container of a valid request, e.g. ['features', 'values', 4]. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const own = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) return [...own, ...value.flatMap((item, index) => paths(item, [...prefix, index]))];
  if (value !== null && typeof value === 'object')
    return [...own, ...Object.entries(value).flatMap(([key, item]) => paths(item, [...prefix, key]))];
  return own;
}

/** Fields with a default: removing one leaves a valid request. */
const OPTIONAL = new Set(['dataset_prefix', 'universal_player_id', 'injury']);

/**
 * `count` malformed push bodies, deterministic for a seed: the valid request with one field
 * given a wrong type or removed, or the envelope itself broken (no data, data that is not
 * base64 JSON, a missing message id, a body of the wrong shape).
 */
export function fuzzedEnvelopes(count: number, seed = 1): { body: string; what: string }[] {
  let state = seed;
  const pick = () => (state = (state * 16807) % 2147483647) / 2147483647;
  const base = validRequest({ batch_id: 'batch_fuzz' }) as unknown as Json;
  const targets = paths(base);
  const bodies: { body: string; what: string }[] = [];
  while (bodies.length < count) {
    const request = structuredClone(base) as { [key: string]: Json };
    const roll = pick();
    if (roll < 0.12) {
      const broken: [string, unknown][] = [
        ['no message', { subscription: 's' }],
        [
          'data not base64 JSON',
          { message: { data: Buffer.from(`{"batch_id": ${pick()}`).toString('base64'), messageId: 'm1' } },
        ],
        ['no messageId', { message: { data: Buffer.from(JSON.stringify(request)).toString('base64') } }],
        ['message is a list', { message: [] }],
        ['body is a number', 17],
        ['empty data', { message: { data: '', messageId: 'm2' } }],
      ];
      const [what, body] = broken[Math.floor(pick() * broken.length)]!;
      bodies.push({ body: JSON.stringify(body), what });
      continue;
    }
    const path = targets[Math.floor(pick() * targets.length)]!;
    const parent = path
      .slice(0, -1)
      .reduce<Json>((node, key) => (node as Record<string, Json>)[key as string]!, request);
    const key = path[path.length - 1]!;
    const current = (parent as Record<string | number, Json>)[key]!;
    let what: string;
    if (pick() < 0.3 && typeof key === 'string' && !OPTIONAL.has(key) && !Array.isArray(parent)) {
      delete (parent as Record<string, Json>)[key];
      what = `removed ${path.join('.')}`;
    } else {
      (parent as Record<string | number, Json>)[key] = wrongType(current, pick);
      what = `${path.join('.')} = ${JSON.stringify((parent as Record<string | number, Json>)[key])}`;
    }
    bodies.push({
      body: JSON.stringify(
        encodePushEnvelope(request, `fuzz-${bodies.length}`, 'projects/local/subscriptions/prediction-request'),
      ),
      what,
    });
  }
  return bodies;
}
