// Loaded with `--import` into the processes of a local batch: in the worker only, the CPU time
// (user + system, all threads) from its first /predict request to the end of its last one,
// appended to $PROPS_BENCH_CPU_FILE as "<ms> <requests>" when the worker exits.
import { subscribe } from 'node:diagnostics_channel';
import { appendFileSync } from 'node:fs';

if (process.argv[1]?.includes('/worker/') && process.env.PROPS_BENCH_CPU_FILE) {
  const file = process.env.PROPS_BENCH_CPU_FILE;
  /** @type {NodeJS.CpuUsage | null} */
  let first = null;
  /** @type {NodeJS.CpuUsage | null} */
  let last = null;
  let requests = 0;
  subscribe('http.server.request.start', (message) => {
    const { request } = /** @type {{ request: import('node:http').IncomingMessage }} */ (message);
    if (!request.url?.startsWith('/predict')) return;
    requests += 1;
    first ??= process.cpuUsage();
    request.on('close', () => (last = process.cpuUsage()));
  });
  const report = () => {
    if (!first || !last) return;
    const ms = (last.user + last.system - first.user - first.system) / 1000;
    appendFileSync(file, `${ms.toFixed(0)} ${requests}\n`);
    first = null;
  };
  process.on('exit', report);
  process.on('SIGTERM', report);
}
