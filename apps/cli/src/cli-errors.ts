import { ServiceError, errorMessage } from '@props/contracts';

/**
 * The CLI's promise: an error is one line naming what failed and, where one helps, what to do.
 * These turn the errors Node, the network and the Google clients throw into that line.
 */

/** The first non-empty line, without the Google auth library's "Browse to <url> for more information." */
export const firstLine = (text: string): string =>
  (text.split('\n').find((line) => line.trim() !== '') ?? text)
    .trim()
    .replace(/\s*Browse to \S+ for more information\.?$/, '');

/** A sentence as the first clause of `<cause>; <hint>`: without its closing period. */
export const clause = (text: string): string => text.replace(/\.$/, '');

/** The smallest number of single-character edits (with swaps of neighbours) between two words. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i += 1)
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  return rows[a.length]![b.length]!;
}

/** The candidate a mistyped word most likely meant (a few edits away, or a prefix of it), or undefined. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const scored = candidates
    .map((candidate) => {
      const edits = editDistance(word, candidate);
      const close = edits <= Math.max(1, Math.min(3, Math.floor(candidate.length / 3)));
      // A few edits away wins; else a word the candidate starts with (`--data` for `--dataset-prefix`).
      const distance = close ? edits : word.length >= 3 && candidate.startsWith(word) ? 4 : Infinity;
      return { candidate, distance };
    })
    .filter(({ distance }) => distance !== Infinity)
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate));
  return scored[0]?.candidate;
}

const NETWORK_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing listens there)',
  ECONNRESET: 'connection reset by the other side',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'DNS: the host name does not resolve',
  EAI_AGAIN: 'DNS: the lookup failed for now (no network or resolver)',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection closed mid-answer',
  UND_ERR_HEADERS_TIMEOUT: 'no answer headers in time',
  CERT_HAS_EXPIRED: 'TLS: the certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS: a self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS: a self-signed certificate in the chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS: the certificate cannot be verified',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS: the certificate issuer is unknown',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS: the certificate is for another host name',
  EPROTO: 'TLS: the handshake failed (plain HTTP on an https URL?)',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS: the handshake failed (plain HTTP on an https URL?)',
};

/** Why a request did not get an answer, in words: refused, DNS, TLS, timed out; else the error's own first line. */
export function networkCause(error: unknown): string {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
    const { code, name } = current as { code?: unknown; name?: unknown };
    if (name === 'TimeoutError') return 'no answer in time';
    if (typeof code === 'string' && NETWORK_CAUSES[code]) return `${NETWORK_CAUSES[code]} [${code}]`;
    if (typeof code === 'string' && /^(ERR_TLS|ERR_SSL|CERT_)/.test(code)) return `TLS: ${code}`;
    current = (current as { cause?: unknown }).cause;
  }
  // fetch's own "fetch failed" says nothing: the innermost cause says what (e.g. "bad port").
  let innermost: unknown = error;
  for (let depth = 0; depth < 5 && (innermost as { cause?: unknown })?.cause; depth += 1)
    innermost = (innermost as { cause: unknown }).cause;
  return firstLine(errorMessage(innermost));
}

/** Query parameters that carry credentials: their values never reach a message or a log. */
const CREDENTIAL_PARAMETER = /key|token|secret|password|passwd|signature|sig|auth|credential/i;

/** The URL as it may be printed: credential query values and a userinfo password replaced. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/([?&][^=&#]*(?:key|token|secret|password|sig|auth)[^=&#]*=)[^&#]*/gi, '$1REDACTED');
  }
  if (parsed.password) parsed.password = 'REDACTED';
  for (const name of [...parsed.searchParams.keys()])
    if (CREDENTIAL_PARAMETER.test(name)) parsed.searchParams.set(name, 'REDACTED');
  return parsed.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
}

const FILE_PROBLEMS: Record<string, string> = {
  EISDIR: 'is a directory (name a file)',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  ENOENT: 'no such file or directory',
  EEXIST: 'exists and is not a directory',
  EMFILE: 'too many open files',
};

/** A file-system error as `cannot <verb> <path>: <problem>`, or null for any other error. */
export function fileSystemProblem(error: unknown): string | null {
  const { code, path, syscall } = (error ?? {}) as { code?: unknown; path?: unknown; syscall?: unknown };
  if (typeof code !== 'string' || !FILE_PROBLEMS[code] || typeof path !== 'string') return null;
  const verb =
    syscall === 'open' || syscall === 'write' || syscall === 'mkdir' || syscall === 'rename' ? 'write' : 'use';
  return `cannot ${typeof syscall === 'string' && /^(read|stat|scandir|lstat)/.test(syscall) ? 'read' : verb} ${path}: ${FILE_PROBLEMS[code]}`;
}

/** The hint for a Google client's error: sign in again, or check the network or emulator settings. */
export function cloudHint(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  const text = errorMessage(error);
  if (
    code === 16 ||
    /default credentials|invalid_grant|invalid_rapt|reauth|UNAUTHENTICATED|could not refresh access token|\b401\b/i.test(
      text,
    )
  )
    return 'sign in with: gcloud auth application-default login';
  if (code === 7 || /PERMISSION_DENIED|\b403\b/.test(text))
    return "the account lacks a role on the project (gcloud auth list shows which account; see the environment's IAM)";
  if (
    code === 14 ||
    code === 4 ||
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|UNAVAILABLE|DEADLINE_EXCEEDED|timed out|ETIMEDOUT/i.test(text)
  )
    return 'check the network, GCP_PROJECT_ID and any *_EMULATOR_HOST or PROPS_BIGQUERY_ENDPOINT, then gcloud auth application-default login';
  return null;
}

/** Whether an error came from a Google Cloud client (gRPC status, Google API error, auth library). */
export function isCloudError(error: unknown): boolean {
  const candidate = error as {
    code?: unknown;
    errors?: unknown;
    response?: unknown;
    metadata?: unknown;
    name?: unknown;
  };
  return (
    (typeof candidate?.code === 'number' && candidate.metadata !== undefined) ||
    candidate?.errors !== undefined ||
    /default credentials|googleapis|gaxios|GoogleAuth|invalid_grant/i.test(errorMessage(error))
  );
}

/** Any error as the one line the CLI prints after `props <command>: `. */
export function oneLine(error: unknown): string {
  if (error instanceof ServiceError) return firstLine(error.message);
  const file = fileSystemProblem(error);
  if (file) return file;
  if (isCloudError(error)) {
    const hint = cloudHint(error);
    return hint ? `${clause(firstLine(errorMessage(error)))}; ${hint}` : firstLine(errorMessage(error));
  }
  const cause = networkCause(error);
  return firstLine(cause);
}
