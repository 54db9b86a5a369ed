import { mapStackTracesThroughSourceMaps } from '@props/observability';
import { buildInfo } from '@props/service-runtime';
import { UsageError, commandHelp, type CliCommand } from './cli-command';
import { closest, oneLine } from './cli-errors';
import { convertCommand } from './models/convert-command';
import { runCommand } from './run/run-command';
import { backfillCommand } from './backfill/backfill-command';
import { smokeCommand } from './smoke/smoke-command';
import { statusCommand } from './status/status-command';
import { buildCheckCommand } from './build-check-command';
import { stagingCleanupCommand } from './staging/staging-cleanup-command';
import { replayCommand } from './replay/replay-command';
import { schemaCommand } from './warehouse/schema-command';
import { migrateCommand } from './warehouse/migrate-command';
import { seedCommand } from './warehouse/seed-command';
import { gradeCommand } from './grading/grade-command';
import { reportCommand } from './grading/report-command';
import { verifyCommand } from './grading/verify-command';
import { shadowCommand } from './shadow/shadow-command';

const commands: readonly CliCommand[] = [
  runCommand,
  backfillCommand,
  smokeCommand,
  statusCommand,
  seedCommand,
  migrateCommand,
  schemaCommand,
  gradeCommand,
  verifyCommand,
  reportCommand,
  shadowCommand,
  stagingCleanupCommand,
  replayCommand,
  convertCommand,
  buildCheckCommand,
];

function helpText(): string {
  const rows: Array<[string, string]> = [
    ...commands.map((command): [string, string] => [command.words.join(' '), command.summary]),
    ['version', 'print the package version and the commit this bundle was built from'],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return [
    'usage: props <command> [options]',
    '',
    'commands:',
    ...rows.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`),
    '',
    'props <command> --help shows its options and the environment it reads.',
  ].join('\n');
}

const VERSION_HELP = [
  'usage: props version',
  '',
  'print the package version and the commit this bundle was built from',
].join('\n');

/** Words that open several commands (`warehouse`, `models`, `staging`): their subcommands. */
function group(word: string): CliCommand[] {
  return commands.filter((command) => command.words.length > 1 && command.words[0] === word);
}

/** `props warehouse --help`: the group's subcommands and where each one's options are. */
function groupHelp(word: string): string {
  const members = group(word);
  const width = Math.max(...members.map((command) => command.words.join(' ').length));
  return [
    `usage: props ${word} <subcommand> [options]`,
    '',
    'subcommands:',
    ...members.map((command) => `  ${command.words.join(' ').padEnd(width)}  ${command.summary}`),
    '',
    `props ${word} <subcommand> --help shows its options and the environment it reads.`,
  ].join('\n');
}

/** What a mistyped command most likely meant: a whole command, or a group's subcommand. */
function suggestion(argv: readonly string[]): string | undefined {
  const [first = '', second] = argv;
  if (group(first).length > 0 && second !== undefined) {
    const sub = closest(
      second,
      group(first).map((command) => command.words[1]!),
    );
    return sub ? `${first} ${sub}` : undefined;
  }
  const names = [
    ...new Set(commands.filter((command) => !command.words[0]!.startsWith('-')).map((command) => command.words[0]!)),
    'version',
    'help',
  ];
  return closest(first, names);
}

function findCommand(argv: readonly string[]): { command: CliCommand; rest: readonly string[] } | undefined {
  const matches = commands.filter((command) => command.words.every((word, index) => argv[index] === word));
  const best = matches.sort((a, b) => b.words.length - a.words.length)[0];
  return best ? { command: best, rest: argv.slice(best.words.length) } : undefined;
}

const wantsHelp = (args: readonly string[]) => args.includes('--help') || args.includes('-h');

async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(`${helpText()}\n`);
    return argv.length === 0 ? 1 : 0;
  }
  if (argv[0] === 'version' || argv[0] === '--version') {
    if (wantsHelp(argv.slice(1))) {
      process.stdout.write(`${VERSION_HELP}\n`);
      return 0;
    }
    const info = buildInfo('cli');
    process.stdout.write(`props ${info.version} (commit ${info.commit}, built ${info.builtAt})\n`);
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    const word = argv[0]!;
    if (group(word).length > 0 && (argv.length === 1 || wantsHelp(argv.slice(1)))) {
      const asked = argv.length > 1;
      (asked ? process.stdout : process.stderr).write(
        `${asked ? '' : `props ${word}: name a subcommand\n\n`}${groupHelp(word)}\n`,
      );
      return asked ? 0 : 2;
    }
    const meant = suggestion(argv);
    const unknown = group(word).length > 0 ? `unknown subcommand "${argv[1]}" of ${word}` : `unknown command "${word}"`;
    process.stderr.write(
      `props: ${unknown}${meant ? `; did you mean "props ${meant}"?` : ''} (props --help lists the commands)\n`,
    );
    return 2;
  }
  if (wantsHelp(found.rest)) {
    process.stdout.write(`${commandHelp(found.command)}\n`);
    return 0;
  }
  const name = `props ${found.command.words.join(' ')}`;
  commandName = name;
  try {
    return await found.command.run(found.rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${name}: ${error.message}\nusage: ${found.command.usage}\n`);
      return 2;
    }
    // Every other error is one line too: a ServiceError's message, a file-system error with its path,
    // a cloud client's error with a hint; PROPS_DEBUG=1 adds the stack for a developer.
    process.stderr.write(`${name}: ${oneLine(error)}\n`);
    if (process.env.PROPS_DEBUG === '1' && error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

/** The running command's name, for an error no promise of the command's catches (a cloud client's background rejection). */
let commandName = 'props';

function failOutsideTheCommand(error: unknown): void {
  process.stderr.write(`${commandName}: ${oneLine(error)}\n`);
  if (process.env.PROPS_DEBUG === '1' && error instanceof Error && error.stack)
    process.stderr.write(`${error.stack}\n`);
  process.exit(1);
}
// The image runs without --enable-source-maps: stacks are mapped when they are formatted.
mapStackTracesThroughSourceMaps();
process.on('unhandledRejection', failOutsideTheCommand);
process.on('uncaughtException', failOutsideTheCommand);

// A reader that stops early (`props warehouse schema --duckdb | head`) closes the pipe: stop quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // A failed command may leave a cloud client retrying (gRPC reconnects for minutes): the error is
    // printed, so the process ends soon after whatever is still pending.
    if (code !== 0) setTimeout(() => process.exit(code), 2_000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`props: ${oneLine(error)}\n`);
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 2_000).unref();
  },
);
