// A probe bundled with the build's own options: a pino logger without a transport captures no call
// sites (util.getCallSites, counted by wrapping it before pino loads), one with a transport still
// does, and the logger's lines are unchanged.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleProbe } from './bundle-probe';

const folder = mkdtempSync(join(tmpdir(), 'props-pino-call-sites-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const PROBE = `import { createRequire } from 'node:module';
const util = createRequire(import.meta.url)('node:util');
const original = util.getCallSites;
let captures = 0;
util.getCallSites = (...args: unknown[]) => {
  captures += 1;
  return original(...args);
};
// import() of a bundled CommonJS package yields its module.exports as default.
const pino = (await import('pino')).default;
if (process.argv[2] === 'transport') {
  try {
    pino({ transport: { target: './absent-transport.mjs' } });
  } catch {
    // A bundle cannot start pino's transport worker; only the call-site capture is looked at.
  }
} else {
  pino({ base: { service: 'probe' }, timestamp: false }, process.stdout).info('hello');
}
console.log(JSON.stringify({ captures }));
`;

describe("pino's call sites in a bundle", () => {
  let outdir: string;
  const start = (...args: string[]) => {
    const run = spawnSync(process.execPath, ['main.js', ...args], { cwd: outdir, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    return run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
  };

  beforeAll(async () => {
    outdir = await bundleProbe(folder, { 'probe.ts': PROBE });
  }, 120_000);

  it('are not captured for a logger without a transport, whose lines stay the same', () => {
    expect(start()).toEqual([{ level: 30, service: 'probe', msg: 'hello' }, { captures: 0 }]);
  });

  it('are still captured for a logger with a transport', () => {
    expect(start('transport')).toEqual([{ captures: 1 }]);
  });
});
