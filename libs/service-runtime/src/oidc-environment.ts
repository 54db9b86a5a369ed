import * as z from 'zod';
import type { OidcPolicy } from './oidc-verifier';

/** The OIDC variables both services read; a policy exists only when audience and service accounts are set. */
export const OidcEnvironment = z.object({
  PROPS_OIDC_AUDIENCE: z.string().min(1).optional(),
  PROPS_OIDC_SERVICE_ACCOUNTS: z.string().optional(),
  PROPS_OIDC_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * `cloud-run`: the service runs behind Cloud Run's IAM check, which verifies each caller's token
   * and forwards it without its signature (docs/operations/authentication.md). `none` (the
   * default): the app verifies every signature itself.
   */
  PROPS_AUTH_FRONT_END: z.enum(['none', 'cloud-run']).default('none'),
  /** Set by Cloud Run to the service's name (https://cloud.google.com/run/docs/container-contract#env-vars). */
  K_SERVICE: z.string().min(1).optional(),
});

type OidcVariables = z.infer<typeof OidcEnvironment>;

export function oidcPolicyFrom(parsed: OidcVariables): OidcPolicy | null {
  const accounts = (parsed.PROPS_OIDC_SERVICE_ACCOUNTS ?? '')
    .split(',')
    .map((account) => account.trim())
    .filter(Boolean);
  if (!parsed.PROPS_OIDC_AUDIENCE || accounts.length === 0) return null;
  return {
    audience: parsed.PROPS_OIDC_AUDIENCE,
    serviceAccounts: accounts,
    jwksUrl: parsed.PROPS_OIDC_JWKS_URL,
    frontEnd: parsed.PROPS_AUTH_FRONT_END,
  };
}

/**
 * Trusting Cloud Run's check of the signature is safe only where Cloud Run's IAM front end stands
 * before the app: on the gcp backend, in a Cloud Run service (K_SERVICE, which Cloud Run sets and
 * a deployment cannot), with the callers the app still checks. Adds one issue per broken rule.
 */
export function refineAuthFrontEnd(value: OidcVariables & { PROPS_BACKEND: string }, context: z.RefinementCtx): void {
  if (value.PROPS_AUTH_FRONT_END !== 'cloud-run') return;
  const problem = (message: string) => context.addIssue({ code: 'custom', path: ['PROPS_AUTH_FRONT_END'], message });
  if (value.PROPS_BACKEND !== 'gcp')
    problem('is cloud-run, but PROPS_BACKEND is not gcp: only the Cloud Run services sit behind its IAM check');
  else if (value.K_SERVICE === undefined)
    problem(
      'is cloud-run, but K_SERVICE is unset: Cloud Run sets it in every service, so this is not running on Cloud Run',
    );
  else if (oidcPolicyFrom(value) === null)
    problem(
      'is cloud-run without PROPS_OIDC_AUDIENCE and PROPS_OIDC_SERVICE_ACCOUNTS: the app must still refuse callers that are not its own',
    );
}
