import { ServiceError } from '@props/contracts';
import { buildInfo } from '@props/service-runtime';
import { UsageError, commandHelp, type CliCommand } from './cli-command';
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

/** An error the operator can act on from its message alone (every ServiceError): printed as one line, never a stack. */
const isKnownError = (error: unknown): error is ServiceError => error instanceof ServiceError;

function findCommand(argv: readonly string[]): { command: CliCommand; rest: readonly string[] } | undefined {
  const matches = commands.filter((command) => command.words.every((word, index) => argv[index] === word));
  const best = matches.sort((a, b) => b.words.length - a.words.length)[0];
  return best ? { command: best, rest: argv.slice(best.words.length) } : undefined;
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(`${helpText()}\n`);
    return argv.length === 0 ? 1 : 0;
  }
  if (argv[0] === 'version' || argv[0] === '--version') {
    const info = buildInfo('cli');
    process.stdout.write(`props ${info.version} (commit ${info.commit}, built ${info.builtAt})\n`);
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    process.stderr.write(`props: unknown command "${argv.join(' ')}"\n\n${helpText()}\n`);
    return 2;
  }
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    process.stdout.write(`${commandHelp(found.command)}\n`);
    return 0;
  }
  try {
    return await found.command.run(found.rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`props ${found.command.words.join(' ')}: ${error.message}\nusage: ${found.command.usage}\n`);
      return 2;
    }
    if (isKnownError(error)) {
      process.stderr.write(`props ${found.command.words.join(' ')}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

// A reader that stops early (`props warehouse schema --duckdb | head`) closes the pipe: stop quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`props: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
