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
