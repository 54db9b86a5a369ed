import { errorMessage } from '@props/contracts';
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

export async function callService(url: string, init: RequestInit): Promise<ServiceAnswer> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  } catch (error) {
    throw new CoordinatorCallError(
      `${url} did not answer: ${(error as { cause?: { code?: string } }).cause?.code ?? errorMessage(error)}`,
    );
  }
  const text = await response.text();
  try {
    return { status: response.status, body: text ? JSON.parse(text) : {} };
  } catch {
    return { status: response.status, body: { text: text.slice(0, 300) } };
  }
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
    `${url} answered HTTP ${answer.status} with an unexpected body: ${toMalformedMessageError(parsed.error).message}`,
  );
}
