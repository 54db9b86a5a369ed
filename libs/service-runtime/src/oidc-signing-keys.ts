import { errorMessage } from '@props/contracts';
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

export interface SigningKeysOptions {
  /** Abort a key fetch after this long (the verification fails; Pub/Sub redelivers). */
  fetchTimeoutMs?: number;
  /** An unknown key id refetches the set at most once per this interval: forged ids cannot drive fetches. */
  unknownKeyCooldownMs?: number;
  /** How long a key set lives when its response carries no `Cache-Control: max-age`. */
  defaultMaxAgeMs?: number;
  now?: () => number;
}

export class SigningKeyError extends Error {
  override readonly name = 'SigningKeyError';
}

/**
 * The issuer's published signing keys (a JWKS document), cached as long as the response's
 * `Cache-Control: max-age` says (Google's keys: several hours), fetched with a timeout and by one
 * request at a time, and refreshed for an unknown key id at most once per cooldown.
 */
export class SigningKeys {
  private keys = new Map<string, KeyObject>();
  private expiresAt = 0;
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly url: string,
    private readonly options: SigningKeysOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** How many times the key set was requested (for tests and benchmarks of the refresh bound). */
  fetches = 0;

  async key(kid: string): Promise<KeyObject> {
    const stale = this.now() >= this.expiresAt;
    const unknown = !this.keys.has(kid);
    const cooledDown = this.now() - this.fetchedAt >= (this.options.unknownKeyCooldownMs ?? 60_000);
    if (stale || (unknown && cooledDown)) await this.refresh();
    const key = this.keys.get(kid);
    if (!key) throw new SigningKeyError(`token signed with unknown key ${kid}`);
    return key;
  }

  private refresh(): Promise<void> {
    this.inFlight ??= this.fetchKeys().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetchKeys(): Promise<void> {
    this.fetchedAt = this.now();
    this.fetches += 1;
    let response: Response;
    try {
      response = await fetch(this.url, { signal: AbortSignal.timeout(this.options.fetchTimeoutMs ?? 5_000) });
    } catch (error) {
      throw new SigningKeyError(
        `cannot fetch the signing keys: ${(error as { name?: string }).name === 'TimeoutError' ? 'timed out' : errorMessage(error)}`,
      );
    }
    if (!response.ok) throw new SigningKeyError(`cannot fetch the signing keys: HTTP ${response.status}`);
    const { keys } = (await response.json()) as { keys?: (JsonWebKey & { kid?: string })[] };
    this.keys = new Map(
      (keys ?? [])
        .filter((jwk) => typeof jwk.kid === 'string')
        .map((jwk) => [jwk.kid!, createPublicKey({ key: jwk, format: 'jwk' })]),
    );
    const maxAge = /(?:^|,)\s*max-age=(\d+)/.exec(response.headers.get('cache-control') ?? '')?.[1];
    this.expiresAt =
      this.now() + (maxAge === undefined ? (this.options.defaultMaxAgeMs ?? 3_600_000) : Number(maxAge) * 1000);
  }
}
