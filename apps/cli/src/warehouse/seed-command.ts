import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { seedWarehouse } from '@props/season';
import { UsageError, parseCommandArgs, type CliCommand } from '../cli-command';
import { ProgressBar } from '../progress-bar';

export const DEFAULT_SEED = 20241022;

/** Where the real NBA samples live: --samples, else the repository's data/nba-samples. */
export function samplesDirectory(flag: string | undefined): string {
  return resolve(flag ?? join(process.env.PROPS_REPOSITORY_ROOT ?? '.', 'data', 'nba-samples'));
}

/** Progress bars for seeding: one for generating the season, one for writing the tables. */
export function seedingProgress(): (stage: string, done: number, total: number) => void {
  const bars = new Map<string, ProgressBar>();
  return (stage, done, total) => {
    const key = stage.startsWith('writing') ? 'writing tables' : stage;
    if (!bars.has(key)) bars.set(key, new ProgressBar(key.padEnd(38), total));
    bars.get(key)!.update(done, stage.startsWith('writing ') && done < total ? stage.slice(8) : '');
  };
}

export const seedCommand: CliCommand = {
  words: ['warehouse', 'seed'],
  summary:
    'build the local DuckDB warehouse: the real 2024-25 schedule with a synthesized season of box scores, lines and features',
  usage: 'props warehouse seed [--season 2024-25] [--seed N] [--out FILE] [--samples DIR]',
  options: [
    ['--season 2024-25', 'the season (the only one with a real schedule in data/nba-samples)'],
    ['--seed N', 'the random seed (default 20241022): the same seed gives the same warehouse'],
    ['--out FILE', 'the warehouse file (default $PROPS_DATA_DIR/warehouse.duckdb)'],
    ['--samples DIR', 'the real NBA samples (default data/nba-samples)'],
  ],
  environment: [
    ['PROPS_DATA_DIR', 'the folder of the default --out (var)'],
    ['PROPS_REPOSITORY_ROOT', 'the repository, for the default --samples (set by npx props)'],
  ],
  async run(args) {
    const { values } = parseCommandArgs({
      args: [...args],
      options: {
        season: { type: 'string', default: '2024-25' },
        seed: { type: 'string' },
        out: { type: 'string' },
        samples: { type: 'string' },
      },
    });
    if (values.season !== '2024-25')
      throw new UsageError(`--season: only 2024-25 has a real schedule in the samples, got ${values.season}`);
    const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new UsageError(`--seed: expected an integer 0-4294967295, got ${values.seed}`);
    const samples = samplesDirectory(values.samples);
    if (!existsSync(join(samples, 'schedule_2024_25_nbacom.json.gz')))
      throw new UsageError(`--samples ${samples}: schedule_2024_25_nbacom.json.gz is not there`);
    const out = resolve(values.out ?? join(process.env.PROPS_DATA_DIR ?? 'var', 'warehouse.duckdb'));
    const started = Date.now();
    const summary = await seedWarehouse({
      samplesDir: samples,
      out,
      seed,
      onProgress: seedingProgress(),
    });
    const lines = [
      `seeded ${summary.out} in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${seed})`,
      `  season 2024-25: ${summary.gameDates} game dates, ${summary.firstDate} .. ${summary.lastDate}`,
      ...Object.entries(summary.counts).map(
        ([table, count]) => `  ${table.padEnd(45)} ${String(count).padStart(7)} rows`,
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};
