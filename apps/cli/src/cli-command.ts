import { errorMessage } from '@props/contracts';
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CliCommand {
  /** Words that select the command, e.g. ['models', 'convert']. */
  words: readonly string[];
  summary: string;
  usage: string;
  /** Each option and what it does, for `props <command> --help`. */
  options?: ReadonlyArray<readonly [string, string]>;
  /** Environment variables the command reads, with their meaning. */
  environment?: ReadonlyArray<readonly [string, string]>;
  run(args: readonly string[]): Promise<number>;
}

/** `props <command> --help`: the usage, what it does, its options and the environment it reads. */
export function commandHelp(command: CliCommand): string {
  const table = (rows: ReadonlyArray<readonly [string, string]>) => {
    const width = Math.max(...rows.map(([name]) => name.length));
    return rows.map(([name, text]) => `  ${name.padEnd(width)}  ${text}`);
  };
  return [
    `usage: ${command.usage}`,
    '',
    command.summary,
    ...(command.options?.length ? ['', 'options:', ...table(command.options)] : []),
    ...(command.environment?.length ? ['', 'environment:', ...table(command.environment)] : []),
  ].join('\n');
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** node:util parseArgs, with its errors (an unknown or malformed option) as a UsageError for the command. */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
}
