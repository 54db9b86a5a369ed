import { buildInfo } from '@props/service-runtime';
import { UsageError, type CliCommand } from './cli-command';
import { convertCommand } from './models/convert-command';
import { runCommand } from './run/run-command';
import { buildCheckCommand } from './build-check-command';
import { stagingCleanupCommand } from './staging/staging-cleanup-command';
import { schemaCommand } from './warehouse/schema-command';
import { migrateCommand } from './warehouse/migrate-command';
import { seedCommand } from './warehouse/seed-command';
import { gradeCommand } from './grading/grade-command';
import { reportCommand } from './grading/report-command';
import { verifyCommand } from './grading/verify-command';

const commands: readonly CliCommand[] = [runCommand, seedCommand, migrateCommand, schemaCommand, gradeCommand, verifyCommand, reportCommand, stagingCleanupCommand, convertCommand, buildCheckCommand];

function helpText(): string {
  const lines = ['usage: props <command> [options]', '', 'commands:'];
  for (const command of commands) lines.push(`  ${command.usage.padEnd(44)} ${command.summary}`);
  lines.push(`  ${'props version'.padEnd(44)} print the commit this bundle was built from`);
  return lines.join('\n');
}

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
    process.stdout.write(`props ${info.commit} (built ${info.builtAt})\n`);
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    process.stderr.write(`props: unknown command "${argv.join(' ')}"\n\n${helpText()}\n`);
    return 2;
  }
  try {
    return await found.command.run(found.rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`props ${found.command.words.join(' ')}: ${error.message}\nusage: ${found.command.usage}\n`);
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`props: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
