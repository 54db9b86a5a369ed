export {
  runChecks,
  overallStatus,
  type ReadinessCheck,
  type CheckResult,
  type CheckReport,
  type CheckStatus,
} from './check';
export { buildInfo, type BuildInfo } from './build-info';
export { registerHealthRoutes } from './health-routes';
export { registerErrorReplies, replyWithError } from './error-replies';
export { registerPushRoute, recordRejection, type PushRoute } from './push-route';
export { printCheckReports, runBuildTimeChecks, writableFolderCheck } from './build-check';
export { launchService, type AssembledService, type ServiceDefinition } from './launch-service';
export { freePort } from './free-port';
export { dependencyCheck } from './dependency-check';
export {
  OidcVerifier,
  OidcTokenError,
  REMOVED_SIGNATURE,
  SERVERLESS_AUTHORIZATION,
  type AuthFrontEnd,
  type CallerHeaders,
  type OidcPolicy,
} from './oidc-verifier';
export { OidcEnvironment, oidcPolicyFrom, refineAuthFrontEnd } from './oidc-environment';
export { requireOidc } from './oidc-guard';
export { registerRequestLogging, quietRequestLogs } from './request-logging';
export { useZodSchemas, zodOnlySchemaController, type ZodTypeProvider } from './zod-type-provider';
export { ServiceChild, type ServiceChildOptions } from './service-child';
