import { errorMessage } from '@props/contracts';
import { closest } from './cli-errors';
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

/** node:util parseArgs, with its errors (an unknown or malformed option) as a one-line UsageError for the command. */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(parseErrorText(error, Object.keys(config.options ?? {})));
  }
}

/** parseArgs' message, shortened to its first sentence, with the option a mistyped one most likely meant. */
function parseErrorText(error: unknown, known: readonly string[]): string {
  const code = (error as { code?: unknown }).code;
  const message = errorMessage(error);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = /'(-[^']*)'/.exec(message)?.[1] ?? message;
    const name = given.replace(/^-+/, '').replace(/=.*$/, '');
    const meant = closest(name, known);
    return `unknown option ${given}${meant ? `; did you mean --${meant}?` : ''} (--help lists the options)`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const given = /'([^']*)'/.exec(message)?.[1] ?? '';
    const meant = closest(given, known);
    return `unexpected argument "${given}"${meant ? `; did you mean --${meant}?` : ''} (--help lists the options)`;
  }
  return message.split('. ')[0]!.replace(/\.$/, '');
}
