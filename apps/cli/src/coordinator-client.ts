import { networkCause, redactUrl } from './cli-errors';
import type { z } from 'zod';
import { toMalformedMessageError } from '@props/contracts';

/** A call to a coordinator (or worker) the CLI makes as an operator: one error type, the answer's JSON. */
export class CoordinatorCallError extends Error {
  override readonly name = 'CoordinatorCallError';
}

/** The headers an operator's call carries: the coordinator's API key, and on Cloud Run an identity token for the service. */
export function callerHeaders(env: NodeJS.ProcessEnv): Record<string, string> {
  return {
    'content-type': 'application/json',
    ...(env.PROPS_API_KEY ? { 'x-api-key': env.PROPS_API_KEY } : {}),
    ...(env.PROPS_SMOKE_ID_TOKEN ? { authorization: `Bearer ${env.PROPS_SMOKE_ID_TOKEN}` } : {}),
  };
}

export interface ServiceAnswer {
  status: number;
  /** The answer's JSON; `{ text }` when it was not JSON. */
  body: unknown;
}

/** The largest answer the CLI reads: a day's status list is a few KB; anything near this is not a coordinator. */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
/** Redirects followed, each within the origin the call was made to. */
const MAX_REDIRECTS = 5;

/**
 * One call to a service. Credentials never leave the origin they were given for: a redirect is
 * followed only within that origin (fetch would carry x-api-key to any host, as WHATWG fetch
 * strips only Authorization across origins: https://fetch.spec.whatwg.org/#http-redirect-fetch),
 * and refused otherwise. The answer is read up to MAX_ANSWER_BYTES; URLs in messages have their
 * credential query values redacted.
 */
export async function callService(url: string, init: RequestInit): Promise<ServiceAnswer> {
  const parsed = new URL(url);
  if (parsed.username || parsed.password)
    throw new CoordinatorCallError(
      `${redactUrl(url)}: a URL with user:password@ is not called; give the coordinator's key in PROPS_API_KEY`,
    );
  const origin = parsed.origin;
  let current = url;
  const signal = AbortSignal.timeout(60_000);
  for (let hop = 0; ; hop += 1) {
    let response: Response;
    try {
      response = await fetch(current, { ...init, redirect: 'manual', signal });
    } catch (error) {
      const cause = networkCause(error).replaceAll(current, redactUrl(current));
      throw new CoordinatorCallError(`${redactUrl(current)} did not answer: ${cause}`);
    }
    if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
      await response.body?.cancel();
      const target = new URL(response.headers.get('location')!, current);
      if (target.origin !== origin)
        throw new CoordinatorCallError(
          `${redactUrl(current)} redirected (HTTP ${response.status}) to another origin, ${target.origin}: not followed, so the credentials stay with ${origin}; call the service's own URL`,
        );
      if (hop >= MAX_REDIRECTS)
        throw new CoordinatorCallError(`${redactUrl(url)} redirected more than ${MAX_REDIRECTS} times`);
      current = target.toString();
      continue;
    }
    const text = await readCapped(response, redactUrl(current));
    try {
      return { status: response.status, body: text ? JSON.parse(text) : {} };
    } catch {
      return { status: response.status, body: { text: text.slice(0, 300) } };
    }
  }
}

/** The body as text, refused (and the download stopped) past MAX_ANSWER_BYTES. */
async function readCapped(response: Response, shownUrl: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  const tooLarge = () =>
    new CoordinatorCallError(
      `${shownUrl} answered more than ${MAX_ANSWER_BYTES / 1024 / 1024} MB (HTTP ${response.status}): not a service answer the CLI reads`,
    );
  if (declared > MAX_ANSWER_BYTES) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_ANSWER_BYTES) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof CoordinatorCallError) throw error;
    throw new CoordinatorCallError(`${shownUrl} broke off its answer: ${networkCause(error)}`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** What a refusal says: its `error` field, or the start of the body. */
export function refusalText(body: unknown): string {
  const error = (body as { error?: unknown } | null)?.error;
  return typeof error === 'string' ? error : JSON.stringify(body).slice(0, 300);
}

/** An answer read through its contract, or a CoordinatorCallError naming the first field that is not what it should be. */
export function readAnswer<T>(schema: z.ZodType<T>, answer: ServiceAnswer, url: string): T {
  const parsed = schema.safeParse(answer.body);
  if (parsed.success) return parsed.data;
  throw new CoordinatorCallError(
    `${redactUrl(url)} answered HTTP ${answer.status} with an unexpected body: ${toMalformedMessageError(parsed.error).message}`,
  );
}
