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

export async function callService(
  url: string,
  init: RequestInit,
): Promise<{ status: number; body: Record<string, any> }> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  } catch (error) {
    throw new CoordinatorCallError(
      `${url} did not answer: ${(error as { cause?: { code?: string } }).cause?.code ?? (error instanceof Error ? error.message : String(error))}`,
    );
  }
  const text = await response.text();
  try {
    return { status: response.status, body: text ? JSON.parse(text) : {} };
  } catch {
    return { status: response.status, body: { text: text.slice(0, 300) } };
  }
}
