import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess as run } from './run-process.mjs';
import { violation } from './violation.mjs';

const MISSING_MODULE = /Cannot find module|MODULE_NOT_FOUND|ERR_MODULE_NOT_FOUND|Cannot find package|No module named/;
// Node prints `(node:PID) [DEP0040] DeprecationWarning: ...` once per deprecated API a bundle touches.
const DEPRECATION = /DeprecationWarning/;
const READY_WAIT_MS = 30_000;

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolvePort(port));
    });
  });
}

/** The shared secret the boot check configures; a probe names it as $BOOT_API_KEY in its headers. */
const BOOT_API_KEY = 'boot-check-api-key-0001';

/** The environment an image has: no repository, no NODE_PATH, production-shaped configuration. */
function productionEnvironment(folder, port, completionUrl = 'http://127.0.0.1:9/complete') {
  return {
    PROPS_COMPLETION_URL: completionUrl,
    PROPS_API_KEY: BOOT_API_KEY,
    PROPS_COMPLETION_API_KEY: BOOT_API_KEY,
    // The local runtime turns push authentication off explicitly; production sets PROPS_OIDC_*.
    PROPS_PUSH_AUTH: 'none',
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    PROPS_BACKEND: 'local',
    HOST: '127.0.0.1',
    PORT: String(port),
    PROPS_DATA_DIR: join(folder, 'var'),
    LOG_LEVEL: 'info',
    METADATA_SERVER_DETECTION: 'none',
  };
}

async function waitForReady(baseUrl, child) {
  const deadline = Date.now() + READY_WAIT_MS;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return { ready: false, last: `process exited with ${child.exitCode}` };
    try {
      const response = await fetch(`${baseUrl}/health/ready`);
      last = `${response.status} ${await response.text()}`;
      if (response.status === 200) return { ready: true, last };
    } catch (error) {
      const failure = /** @type {Error & { cause?: { code?: string } }} */ (error);
      last = failure.cause?.code ?? failure.message;
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 150));
  }
  return { ready: false, last };
}

/** Stands in for the coordinator's /complete so a worker's real request can finish. */
async function completionSink() {
  const server = createHttpServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.statusCode = 204;
      response.end();
    });
  });
  await new Promise((resolveListen) => server.listen(0, '127.0.0.1', () => resolveListen(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}/complete`,
    close: () => new Promise((resolveClose) => server.close(resolveClose)),
  };
}

async function bootService(root, app, folder, probe, report) {
  const port = await freePort();
  const sink = await completionSink();
  const child = spawn(process.execPath, ['main.js'], {
    cwd: folder,
    env: productionEnvironment(folder, port, sink.url),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    const started = Date.now();
    const { ready, last } = await waitForReady(baseUrl, child);
    if (!ready) {
      report(
        violation(
          'boot-check',
          `dist/apps/${app}/main.js`,
          `did not answer 200 on /health/ready within ${READY_WAIT_MS / 1000} s (last: ${last.slice(0, 300)})`,
          'run the bundle outside the repository and read its output',
        ),
      );
      return output;
    }
    const readyMs = Date.now() - started;
    const body = probe.bodyFile
      ? readFileSync(join(root, probe.bodyFile), 'utf8')
      : probe.body === undefined
        ? undefined
        : JSON.stringify(probe.body);
    const response = await fetch(`${baseUrl}${probe.path}`, {
      method: probe.method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...Object.fromEntries(
          Object.entries(probe.headers ?? {}).map(([name, value]) => [
            name,
            value === '$BOOT_API_KEY' ? BOOT_API_KEY : value,
          ]),
        ),
      },
      body,
    });
    const answer = await response.text();
    if (response.status !== probe.expectStatus) {
      report(
        violation(
          'boot-check',
          `dist/apps/${app}/main.js`,
          `${probe.method} ${probe.path} answered ${response.status} (expected ${probe.expectStatus}): ${answer.slice(0, 300)}`,
          'the route fails when served from the bundle; reproduce with the bundle outside the repository',
        ),
      );
    }
    return `${output}\n[ready in ${readyMs} ms]`;
  } finally {
    await sink.close();
    child.kill('SIGTERM');
    await new Promise((resolveExit) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolveExit(undefined);
      });
      if (child.exitCode !== null) resolveExit(undefined);
    });
  }
}

/**
 * Each bundle, with only its generated package.json, in a fresh folder outside the repository
 * (Node cannot climb into the workspace's node_modules): install offline, build-check, start with
 * production-shaped configuration, wait for readiness and serve one real request.
 */
export async function bootCheckApp(root, app) {
  const violations = [];
  const report = (found) => violations.push(found);
  const folder = mkdtempSync(join(tmpdir(), `props-boot-${app}-`));
  try {
    cpSync(join(root, 'dist', 'apps', app), folder, { recursive: true });
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, ONNXRUNTIME_NODE_INSTALL: 'skip' };
    if (process.env.npm_config_cache) env.npm_config_cache = process.env.npm_config_cache;
    const install = await run('npm', ['ci', '--omit=dev', '--offline', '--no-audit', '--no-fund'], {
      cwd: folder,
      env,
    });
    if (install.code !== 0) {
      report(
        violation(
          'boot-check',
          `dist/apps/${app}/package.json`,
          `npm ci --omit=dev --offline failed: ${install.output.trim().split('\n').slice(-4).join(' | ')}`,
          'the generated package.json/lockfile must install from the npm cache; run npm ci in the workspace first',
        ),
      );
      return { violations, detail: `${app}: install failed` };
    }
    const project = JSON.parse(readFileSync(join(root, 'apps', app, 'project.json'), 'utf8'));
    // As at image build: no configuration at all, only what the bundle folder carries.
    const buildCheck = await run(process.execPath, ['main.js', '--build-check'], {
      cwd: folder,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PROPS_DATA_DIR: join(folder, 'var') },
      timeoutMs: 60_000,
    });
    let output = buildCheck.output;
    if (buildCheck.code !== 0) {
      report(
        violation(
          'boot-check',
          `dist/apps/${app}/main.js`,
          `--build-check exited ${buildCheck.code ?? buildCheck.signal}: ${buildCheck.output.trim().split('\n').slice(-5).join(' | ').slice(0, 600)}`,
          'run node main.js --build-check in a copy of the bundle folder outside the repository',
        ),
      );
    } else if (project.bundle?.bootProbe) {
      output += await bootService(root, app, folder, project.bundle.bootProbe, report);
    }
    for (const args of project.bundle?.bootCommands ?? []) {
      const result = await run(process.execPath, ['main.js', ...args], {
        cwd: folder,
        env: productionEnvironment(folder, 0),
        timeoutMs: 60_000,
      });
      output += result.output;
      if (result.code !== 0) {
        report(
          violation(
            'boot-check',
            `dist/apps/${app}/main.js`,
            `"${args.join(' ')}" exited ${result.code}: ${result.output.trim().slice(0, 300)}`,
            'run the command from the bundle folder outside the repository',
          ),
        );
      }
    }
    const missing = output.split('\n').find((line) => MISSING_MODULE.test(line));
    if (missing) {
      report(
        violation(
          'boot-check',
          `dist/apps/${app}/main.js`,
          `output mentions a missing module: ${missing.trim().slice(0, 300)}`,
          'bundle the module (static import) or declare it; the image would fail the same way',
        ),
      );
    }
    const deprecated = output.split('\n').find((line) => DEPRECATION.test(line));
    if (deprecated) {
      report(
        violation(
          'boot-check',
          `dist/apps/${app}/main.js`,
          `output has a deprecation warning: ${deprecated.trim().slice(0, 300)}`,
          'update the package that uses the deprecated API (node --trace-deprecation main.js shows which)',
        ),
      );
    }
    const readyMs = /\[ready in (\d+) ms\]/.exec(output)?.[1];
    return { violations, detail: `${app}: ${readyMs ? `ready in ${readyMs} ms` : 'build-check passed'}` };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export async function checkBoot(root, apps) {
  const results = await Promise.all(apps.map((app) => bootCheckApp(root, app)));
  return {
    name: 'boot check',
    detail: results.map((result) => result.detail).join('; '),
    violations: results.flatMap((result) => result.violations),
  };
}
