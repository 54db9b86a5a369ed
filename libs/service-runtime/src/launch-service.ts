import { errorMessage } from '@props/contracts';
import type { FastifyInstance } from 'fastify';
import { ConfigurationError } from '@props/configuration';
import { LogEvent, type Logger } from '@props/observability';
import { printCheckReports, runBuildTimeChecks, writableFolderCheck } from './build-check';
import type { CheckReport, ReadinessCheck } from './check';
import { INSTANCE_TOKEN_VARIABLE, answerWithInstanceToken } from './instance-token';

export interface AssembledService {
  app: FastifyInstance;
  checks: readonly ReadinessCheck[];
  logger: Logger;
  port: number;
  host: string;
  /** Folders the service creates or writes at run time (the image's user must be able to). */
  writableFolders: readonly string[];
  close?: () => Promise<void>;
}

export interface ServiceDefinition {
  assemble(env: NodeJS.ProcessEnv): Promise<AssembledService>;
  /**
   * Per backend, placeholder variables that let `--build-check` assemble every route and adapter
   * without the runtime's secrets or URLs. Nothing is contacted with them; none is a secret.
   */
  buildCheckEnvironments: Readonly<Record<'local' | 'gcp', NodeJS.ProcessEnv>>;
}

/**
 * The one entry every service shares.
 * - `--build-check` (the image build step): assembles the app for each backend from placeholders
 *   and runs the build-time checks (modules, adapters, native addons, artifacts, writable folders).
 * - otherwise (start): parse the configuration (one line and exit 1 when it is wrong), assemble
 *   the app with every route and adapter, and listen; `/health/ready` runs every check.
 */
export async function launchService(argv: readonly string[], service: ServiceDefinition): Promise<void> {
  if (argv.includes('--build-check')) process.exit(await buildCheck(service));
  let assembled: AssembledService;
  try {
    assembled = await service.assemble(process.env);
  } catch (error) {
    exitOnStartupFailure(error);
  }
  const shutdown = async (signal: string) => {
    assembled.logger.info({ event: LogEvent.serviceStopping, signal }, `received ${signal}, closing`);
    await assembled.app.close();
    await assembled.close?.();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  answerWithInstanceToken(assembled.app, process.env[INSTANCE_TOKEN_VARIABLE]);
  let address: string;
  try {
    address = await assembled.app.listen({ port: assembled.port, host: assembled.host });
  } catch (error) {
    // A port picked free a moment before (props run, tests) can be taken by another process first.
    exitOnStartupFailure(new Error(listenFailure(assembled, error)));
  }
  assembled.logger.info({ event: LogEvent.serviceStarted, address }, `listening on ${address}`);
}

function listenFailure({ host, port }: AssembledService, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const cause =
    code === 'EADDRINUSE' ? 'the port is in use by another process' : code === 'EACCES' ? 'permission denied' : null;
  return `cannot listen on ${host}:${port}: ${cause ? `${cause} (${code})` : errorMessage(error)}`;
}

function exitOnStartupFailure(error: unknown): never {
  // One line an operator can act on: the bad variable, or the artifact that would not load.
  const message = error instanceof ConfigurationError ? error.message : `startup failed: ${errorMessage(error)}`;
  process.stderr.write(`${JSON.stringify({ severity: 'CRITICAL', event: LogEvent.startupFailed, message })}\n`);
  process.exit(1);
}

async function buildCheck(service: ServiceDefinition): Promise<number> {
  const reports: CheckReport[] = [];
  const folders = new Set<string>();
  for (const [backend, placeholders] of Object.entries(service.buildCheckEnvironments)) {
    let assembled: AssembledService;
    try {
      assembled = await service.assemble({
        ...process.env,
        ...placeholders,
        PROPS_BACKEND: backend,
        LOG_LEVEL: 'warn',
      });
      await assembled.app.ready();
    } catch (error) {
      reports.push({
        name: `[${backend}] assemble`,
        status: 'failed',
        detail: errorMessage(error),
      });
      continue;
    }
    reports.push({
      name: `[${backend}] assemble`,
      status: 'ok',
      detail: `${
        assembled.app
          .printRoutes({ commonPrefix: false })
          .split('\n')
          .filter((line) => line.includes('(')).length
      } routes and the ${backend} adapters constructed`,
    });
    reports.push(...(await runBuildTimeChecks(assembled.checks, `[${backend}] `)));
    for (const folder of assembled.writableFolders) folders.add(folder);
    await assembled.app.close();
    await assembled.close?.();
  }
  reports.push(...(await runBuildTimeChecks([...folders].map(writableFolderCheck), '')));
  const code = printCheckReports('build-check', reports, (line) => process.stdout.write(`${line}\n`));
  if (code !== 0)
    process.stderr.write(
      `${JSON.stringify({ severity: 'ERROR', event: LogEvent.buildCheckFailed, message: 'build-check failed; the lines above say which check' })}\n`,
    );
  return code;
}
