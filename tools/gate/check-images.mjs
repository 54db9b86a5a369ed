import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './boot-check.mjs';
import { dockerfileBaseImage } from './check-dockerfiles.mjs';
import { runProcess as run } from './run-process.mjs';
import { violation } from './violation.mjs';

const READY_WAIT_MS = 30_000;
const STOP_WAIT_S = 10;
const API_KEY = 'images-check-api-key-01';

const lastLines = (text, count) => text.trim().split('\n').slice(-count).join('\n      | ');

/** The Google services on loopback (tools/gate/images/gcp-stand-ins.ts): emulators, BigQuery endpoint, OIDC keys. */
async function startGcpStandIns(root) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tools/gate/images/gcp-stand-ins.ts'], {
    cwd: root,
    env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const endpoints = await new Promise((resolveStart, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('\n')) resolveStart(JSON.parse(stdout.slice(0, stdout.indexOf('\n'))));
    });
    child.on('exit', (code) => reject(new Error(`the gcp stand-ins exited ${code}: ${stderr.trim().slice(-400)}`)));
  });
  return {
    endpoints,
    stop: () =>
      new Promise((resolveStop) => {
        child.once('exit', resolveStop);
        child.stdin.end();
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      }),
  };
}

/** Production-shaped configuration of the gcp backend, pointed at the stand-ins. */
function gcpEnvironment(endpoints, port) {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    PROPS_BACKEND: 'gcp',
    GCP_PROJECT_ID: endpoints.projectId,
    PROPS_BIGQUERY_ENDPOINT: endpoints.bigqueryUrl,
    FIRESTORE_EMULATOR_HOST: endpoints.firestoreHost,
    PUBSUB_EMULATOR_HOST: endpoints.pubsubHost,
    METADATA_SERVER_DETECTION: 'none',
    PROPS_API_KEY: API_KEY,
    PROPS_OIDC_AUDIENCE: endpoints.pushAudience,
    PROPS_OIDC_SERVICE_ACCOUNTS: endpoints.pushAccount,
    PROPS_OIDC_JWKS_URL: endpoints.jwksUrl,
  };
}

/** `docker run` as Cloud Run runs a container: the image's own user, PORT set, read-only root, tmpfs /tmp. */
function runArguments(name, env) {
  return [
    '--name',
    name,
    '--network',
    'host',
    '--read-only',
    '--tmpfs',
    '/tmp:rw,mode=1777',
    ...Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
  ];
}

function substitute(value, endpoints) {
  return value.replace('$API_KEY', API_KEY).replace('$PUSH_TOKEN', endpoints.pushToken);
}

async function waitForReady(baseUrl, name) {
  const started = Date.now();
  let last = 'no answer';
  while (Date.now() - started < READY_WAIT_MS) {
    const state = await run('docker', ['inspect', '-f', '{{.State.Running}}', name]);
    if (state.output.trim() === 'false') return { ready: false, last: 'the container exited' };
    try {
      const response = await fetch(`${baseUrl}/health/ready`);
      last = `${response.status} ${(await response.text()).slice(0, 300)}`;
      if (response.status === 200) return { ready: true, ms: Date.now() - started };
    } catch (error) {
      const failure = /** @type {Error & { cause?: { code?: string } }} */ (error);
      last = failure.cause?.code ?? failure.message;
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
  return { ready: false, last };
}

async function serviceRun(root, app, image, spec, endpoints, report) {
  const port = await freePort();
  const name = `props-gate-${app}-${process.pid}`;
  const at = `docker/${app}.Dockerfile`;
  const logs = async () => lastLines((await run('docker', ['logs', '--tail', '20', name])).output, 20);
  const launched = Date.now();
  const started = await run('docker', ['run', '-d', ...runArguments(name, gcpEnvironment(endpoints, port)), image]);
  try {
    if (started.code !== 0) {
      report(
        violation(
          'image-run',
          at,
          `docker run failed: ${lastLines(started.output, 5)}`,
          'run the image locally with the same flags and read the error',
        ),
      );
      return {};
    }
    const baseUrl = `http://127.0.0.1:${port}`;
    const ready = await waitForReady(baseUrl, name);
    if (!ready.ready) {
      report(
        violation(
          'image-run',
          at,
          `the container did not answer 200 on /health/ready within ${READY_WAIT_MS / 1000} s (last: ${ready.last}); its last log lines:\n      | ${await logs()}`,
          'docker run it locally as the images check does (read-only root, tmpfs /tmp, the image user) and read its startup events',
        ),
      );
      return {};
    }
    const coldStartMs = Date.now() - launched;
    const probe = spec.probe;
    const body = probe.bodyFile
      ? readFileSync(join(root, probe.bodyFile), 'utf8')
      : probe.body === undefined
        ? undefined
        : JSON.stringify(probe.body);
    const headers = Object.fromEntries(
      Object.entries(probe.headers ?? {}).map(([key, value]) => [key, substitute(value, endpoints)]),
    );
    const response = await fetch(`${baseUrl}${probe.path}`, {
      method: probe.method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body,
    });
    const answer = await response.text();
    if (response.status !== probe.expectStatus) {
      report(
        violation(
          'image-run',
          at,
          `${probe.method} ${probe.path} answered ${response.status} (expected ${probe.expectStatus}): ${answer.slice(0, 300)}; last log lines:\n      | ${await logs()}`,
          'the route fails inside the image; reproduce with docker run',
        ),
      );
    }
    const stopping = Date.now();
    await run('docker', ['stop', '-t', String(STOP_WAIT_S), name]);
    const stopMs = Date.now() - stopping;
    const exitCode = (await run('docker', ['inspect', '-f', '{{.State.ExitCode}}', name])).output.trim();
    if (exitCode !== '0' || stopMs >= STOP_WAIT_S * 1000) {
      report(
        violation(
          'image-stop',
          at,
          `docker stop took ${stopMs} ms and the process exited ${exitCode} (expected 0 within ${STOP_WAIT_S} s, as Cloud Run's SIGTERM allows); last log lines:\n      | ${await logs()}`,
          'handle SIGTERM: close the server and exit 0',
        ),
      );
    }
    return { coldStartMs, stopMs };
  } finally {
    await run('docker', ['rm', '-f', name]);
  }
}

async function jobRun(app, image, spec, endpoints, report) {
  const name = `props-gate-${app}-${process.pid}`;
  const launched = Date.now();
  const result = await run(
    'docker',
    ['run', ...runArguments(name, gcpEnvironment(endpoints, 8080)), image, ...spec.job.args],
    { timeoutMs: 120_000 },
  );
  await run('docker', ['rm', '-f', name]);
  if (result.code !== spec.job.expectExit || !result.output.includes(spec.job.expectOutput)) {
    report(
      violation(
        'image-run',
        `docker/${app}.Dockerfile`,
        `"${spec.job.args.join(' ')}" exited ${result.code} (expected ${spec.job.expectExit} printing "${spec.job.expectOutput}"); last lines:\n      | ${lastLines(result.output, 15)}`,
        'run the job image locally with the same arguments',
      ),
    );
  }
  return { jobMs: Date.now() - launched };
}

async function buildImage(root, app, image, report) {
  const commit = (await run('git', ['rev-parse', 'HEAD'], { cwd: root })).output.trim() || 'unknown';
  const built = await run(
    'docker',
    [
      'build',
      '--network',
      'host',
      '-f',
      `docker/${app}.Dockerfile`,
      '-t',
      image,
      '--build-arg',
      `BUILD_COMMIT=${commit}`,
      '.',
    ],
    { cwd: root, timeoutMs: 600_000 },
  );
  if (built.code === 0) return true;
  const step =
    built.output
      .split('\n')
      .filter((line) => /^Step \d+\/\d+ : /.test(line))
      .at(-1) ?? '(before the first step)';
  report(
    violation(
      'image-build',
      `docker/${app}.Dockerfile`,
      `docker build failed at ${step.trim()}; last lines:\n      | ${lastLines(built.output, 12)}`,
      `docker build -f docker/${app}.Dockerfile . reproduces it`,
    ),
  );
  return false;
}

/**
 * Builds each deployable app's image from its Dockerfile and the gated bundle, then runs it as
 * Cloud Run does against the gcp stand-ins: ready within 30 s, one real request, a clean stop.
 */
export async function checkImages(root, apps) {
  const violations = [];
  const report = (found) => violations.push(found);
  const daemon = await run('sh', ['tools/images/ensure-docker.sh'], { cwd: root, timeoutMs: 300_000 });
  if (daemon.code !== 0) {
    return {
      name: 'images',
      detail: 'no Docker daemon',
      violations: [
        violation(
          'images',
          'tools/images/ensure-docker.sh',
          lastLines(daemon.output, 1),
          'install Docker (Debian: apt-get install docker.io) and start the daemon, then run the gate again',
        ),
      ],
    };
  }
  for (const base of new Set(apps.map((app) => dockerfileBaseImage(root, app)))) {
    const made = await run('sh', ['tools/images/stand-in-base.sh', base], { cwd: root, timeoutMs: 900_000 });
    if (made.code !== 0)
      report(
        violation(
          'images',
          'tools/images/stand-in-base.sh',
          `base image ${base} is neither present, pullable nor buildable: ${lastLines(made.output, 3)}`,
          'read the lines above; the stand-in needs debootstrap and the Debian mirror',
        ),
      );
  }
  if (violations.length > 0) return { name: 'images', detail: 'no base image', violations };

  let standIns;
  try {
    standIns = await startGcpStandIns(root);
  } catch (error) {
    return {
      name: 'images',
      detail: 'no gcp stand-ins',
      violations: [
        violation(
          'images',
          'tools/gate/images/gcp-stand-ins.ts',
          error instanceof Error ? error.message : String(error),
          "the images check runs containers on the gcp backend against gcloud's Pub/Sub and Firestore emulators: install them",
        ),
      ],
    };
  }
  const details = [];
  try {
    for (const app of apps) {
      const image = `props-${app}:gate`;
      if (!(await buildImage(root, app, image, report))) continue;
      const megabytes = Math.round(
        Number((await run('docker', ['image', 'inspect', '-f', '{{.Size}}', image])).output.trim()) / 1e6,
      );
      const spec = JSON.parse(readFileSync(join(root, 'apps', app, 'project.json'), 'utf8')).bundle?.imageCheck;
      if (!spec) {
        report(
          violation(
            'image-run',
            `apps/${app}/project.json`,
            'has no bundle.imageCheck: nothing says how to run its image',
            'add bundle.imageCheck with a probe (service) or a job (args, expectExit, expectOutput)',
          ),
        );
        continue;
      }
      const measured = spec.job
        ? await jobRun(app, image, spec, standIns.endpoints, report)
        : await serviceRun(root, app, image, spec, standIns.endpoints, report);
      details.push(
        `${app} ${megabytes} MB, ${measured.coldStartMs !== undefined ? `cold start ${measured.coldStartMs} ms, stop ${measured.stopMs} ms` : measured.jobMs !== undefined ? `job ${measured.jobMs} ms` : 'not run'}`,
      );
    }
  } finally {
    await standIns.stop();
    await run('docker', ['image', 'prune', '-f']);
  }
  return { name: 'images', detail: details.join('; '), violations };
}
