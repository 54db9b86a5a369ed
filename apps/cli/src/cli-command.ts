import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CliCommand {
  /** Words that select the command, e.g. ['models', 'convert']. */
  words: readonly string[];
  summary: string;
  usage: string;
  run(args: readonly string[]): Promise<number>;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** node:util parseArgs, with its errors (an unknown or malformed option) as a UsageError for the command. */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
