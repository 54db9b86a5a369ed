import type { FastifyInstance } from 'fastify';
import { ConfigurationError } from '@props/configuration';
import { LogEvent, type Logger } from '@props/observability';
import type { ReadinessCheck } from './check';
import { runSelfCheck } from './self-check';

export interface AssembledService {
  app: FastifyInstance;
  checks: readonly ReadinessCheck[];
  logger: Logger;
  port: number;
  host: string;
  close?: () => Promise<void>;
}

/**
 * The one entry every service shares: parse the configuration (one line and exit 1 when it is
 * wrong), assemble the app with every route and adapter, then either run `--self-check` or listen.
 */
export async function launchService(argv: readonly string[], assemble: () => Promise<AssembledService>): Promise<void> {
  let service: AssembledService;
  try {
    service = await assemble();
  } catch (error) {
    // One line an operator can act on: the bad variable, or the artifact that would not load.
    const message = error instanceof ConfigurationError ? error.message : `startup failed: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`${JSON.stringify({ severity: 'CRITICAL', event: LogEvent.startupFailed, message })}\n`);
    process.exit(1);
  }
  if (argv.includes('--self-check')) {
    await service.app.ready();
    const code = await runSelfCheck(service.checks, (line) => process.stdout.write(`${line}\n`));
    if (code !== 0) service.logger.error({ event: LogEvent.selfCheckFailed }, 'self-check failed');
    await service.app.close();
    await service.close?.();
    process.exit(code);
  }
  const shutdown = async (signal: string) => {
    service.logger.info({ event: LogEvent.serviceStopping, signal }, `received ${signal}, closing`);
    await service.app.close();
    await service.close?.();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  const address = await service.app.listen({ port: service.port, host: service.host });
  service.logger.info({ event: LogEvent.serviceStarted, address }, `listening on ${address}`);
}
