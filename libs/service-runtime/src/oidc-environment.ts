import { z } from 'zod';
import type { OidcPolicy } from './oidc-verifier';

/** The OIDC variables both services read; a policy exists only when audience and service accounts are set. */
export const OidcEnvironment = z.object({
  PROPS_OIDC_AUDIENCE: z.string().min(1).optional(),
  PROPS_OIDC_SERVICE_ACCOUNTS: z.string().optional(),
  PROPS_OIDC_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
});

export function oidcPolicyFrom(parsed: z.infer<typeof OidcEnvironment>): OidcPolicy | null {
  const accounts = (parsed.PROPS_OIDC_SERVICE_ACCOUNTS ?? '')
    .split(',')
    .map((account) => account.trim())
    .filter(Boolean);
  if (!parsed.PROPS_OIDC_AUDIENCE || accounts.length === 0) return null;
  return { audience: parsed.PROPS_OIDC_AUDIENCE, serviceAccounts: accounts, jwksUrl: parsed.PROPS_OIDC_JWKS_URL };
}
