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

const PIPELINE_WAIT_MS = 180_000;
const GAME_DATE = '2025-03-15';

/**
 * The Google services on loopback (tools/gate/images/gcp-stand-ins.ts): emulators, BigQuery
 * endpoint, ID-token issuer, and Cloud Run's IAM front end before the given container ports. Each
 * request a front end answers arrives as one line and is kept in `exchanges`.
 */
async function startGcpStandIns(root, ports) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'tools/gate/images/gcp-stand-ins.ts', ...ports.map(String)],
    {
      cwd: root,
      env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  const exchanges = [];
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const endpoints = await new Promise((resolveStart, reject) => {
    let endpointsSeen = false;
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      let newline;
      while ((newline = stdout.indexOf('\n')) >= 0) {
        const line = stdout.slice(0, newline);
        stdout = stdout.slice(newline + 1);
        if (!line.trim()) continue;
        const parsed = JSON.parse(line);
        if (parsed.exchange) exchanges.push(parsed.exchange);
        else if (!endpointsSeen) {
          endpointsSeen = true;
          resolveStart(parsed);
        }
      }
    });
    child.on('exit', (code) => reject(new Error(`the gcp stand-ins exited ${code}: ${stderr.trim().slice(-400)}`)));
  });
  return {
    endpoints,
    exchanges,
    stop: () =>
      new Promise((resolveStop) => {
        child.once('exit', resolveStop);
        child.stdin.end();
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      }),
  };
}

/**
 * Production-shaped configuration of the gcp backend, pointed at the stand-ins; a service's as
 * infra/src/services.ts declares it behind Cloud Run's IAM front end (docs/operations/authentication.md),
 * with K_SERVICE as Cloud Run sets it.
 */
function gcpEnvironment(endpoints, port, service) {
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
    ...(service
      ? {
          K_SERVICE: service.name,
          // The client libraries take K_SERVICE as proof of Google Cloud and ask the metadata server for tokens.
          GCE_METADATA_HOST: endpoints.metadataHost,
          PROPS_AUTH_FRONT_END: 'cloud-run',
          PROPS_OIDC_AUDIENCE: service.audience,
          PROPS_OIDC_SERVICE_ACCOUNTS: service.callers.join(','),
          PROPS_OIDC_JWKS_URL: endpoints.jwksUrl,
        }
      : {}),
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

/** What the front ends saw, one line per service, path and status (refusal reasons included). */
function exchangeSummary(exchanges) {
  const counts = new Map();
  for (const { service, method, path, status, refused } of exchanges) {
    const key = `${service} ${method} ${path.split('?')[0]} ${status}${refused ? ` (${refused})` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => `${count}x ${key}`).join('\n      | ') || 'no request reached a front end';
}

const SERVICES = ['worker', 'coordinator'];
const containerLogs = async (container) =>
  lastLines((await run('docker', ['logs', '--tail', '20', container.name])).output, 20);

/** Starts both service containers and waits for their readiness (Cloud Run's startup probe reaches the container directly). */
async function startServices(containers, images, endpoints, report) {
  for (const app of SERVICES) {
    const { name, at, port } = containers[app];
    containers[app].launched = Date.now();
    const started = await run('docker', [
      'run',
      '-d',
      ...runArguments(name, gcpEnvironment(endpoints, port, endpoints.services[app])),
      images[app],
    ]);
    if (started.code !== 0) {
      report(
        violation(
          'image-run',
          at,
          `docker run failed: ${lastLines(started.output, 5)}`,
          'run the image locally with the same flags and read the error',
        ),
      );
      return false;
    }
  }
  for (const app of SERVICES) {
    const { name, at, port, launched } = containers[app];
    const ready = await waitForReady(`http://127.0.0.1:${port}`, name);
    if (!ready.ready) {
      report(
        violation(
          'image-run',
          at,
          `the container did not answer 200 on /health/ready within ${READY_WAIT_MS / 1000} s (last: ${ready.last}); its last log lines:\n      | ${await containerLogs(containers[app])}`,
          'docker run it locally as the images check does (read-only root, tmpfs /tmp, the image user) and read its startup events',
        ),
      );
      return false;
    }
    containers[app].coldStartMs = Date.now() - launched;
  }
  return true;
}

const AUTH_HINT =
  'behind Cloud Run the token arrives without its signature: the app must read the caller from it (PROPS_AUTH_FRONT_END=cloud-run, docs/operations/authentication.md), never verify the removed signature';

/**
 * The calls, all through the front ends: a /start without a token (401) and from an identity that
 * is no invoker (403) never reach the coordinator; the scheduler's /start (202); the batch's
 * requests pushed to /predict and its completions pushed to /complete (2xx); the scheduler's
 * /check-stalled (200). Resolves with the milliseconds from /start to the first completion.
 */
async function scenario(containers, standIns, report) {
  const { endpoints, exchanges } = standIns;
  const call = (path, token, body) =>
    fetch(`${endpoints.services.coordinator.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    }).then(async (response) => ({ status: response.status, text: await response.text() }));
  const expect = async (what, answer, expected, hint, app = 'coordinator') => {
    if (answer.status === expected) return true;
    report(
      violation(
        'image-run',
        containers[app].at,
        `${what} answered ${answer.status} (expected ${expected}): ${answer.text.slice(0, 300)}; the front ends saw:\n      | ${exchangeSummary(exchanges)}\n      last log lines:\n      | ${await containerLogs(containers[app])}`,
        hint,
      ),
    );
    return false;
  };
  await expect(
    'POST /start without a token, through the front end,',
    await call('/start', undefined, { game_date: GAME_DATE }),
    401,
    'the Cloud Run front-end stand-in let a request without a token through (libs/emulators)',
  );
  await expect(
    'POST /start from an identity that is no invoker',
    await call('/start', endpoints.strangerToken, { game_date: GAME_DATE }),
    403,
    'the Cloud Run front-end stand-in let a caller without roles/run.invoker through (libs/emulators)',
  );
  const started = await call('/start', endpoints.schedulerToken, {
    game_date: GAME_DATE,
    force: true,
    trigger_source: 'scheduler_images_check',
  });
  if (!(await expect(`the scheduler's POST /start`, started, 202, AUTH_HINT))) return undefined;

  const answered = (service, path) =>
    exchanges.some((seen) => seen.service === service && seen.path === path && seen.status >= 200 && seen.status < 300);
  const waiting = Date.now();
  while (!(answered('worker', '/predict') && answered('coordinator', '/complete'))) {
    if (Date.now() - waiting > PIPELINE_WAIT_MS) {
      const app = answered('worker', '/predict') ? 'coordinator' : 'worker';
      const path = app === 'worker' ? '/predict' : '/complete';
      await expect(
        `no push to ${path} within ${PIPELINE_WAIT_MS / 1000} s: the last`,
        { status: exchanges.findLast((seen) => seen.path === path)?.status ?? 0, text: '' },
        204,
        AUTH_HINT,
        app,
      );
      return undefined;
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 250));
  }
  const firstCompletionMs = Date.now() - waiting;
  await expect(
    `the scheduler's POST /check-stalled`,
    await call('/check-stalled', endpoints.schedulerToken, { stall_threshold_minutes: 10, min_completion_pct: 95 }),
    200,
    AUTH_HINT,
  );
  return firstCompletionMs;
}

/** Stops each started container as Cloud Run does (SIGTERM, 10 s) and removes it. */
async function stopServices(containers, report) {
  for (const app of ['coordinator', 'worker']) {
    const container = containers[app];
    if (container.coldStartMs !== undefined) {
      const stopping = Date.now();
      await run('docker', ['stop', '-t', String(STOP_WAIT_S), container.name]);
      container.stopMs = Date.now() - stopping;
      const exitCode = (await run('docker', ['inspect', '-f', '{{.State.ExitCode}}', container.name])).output.trim();
      if (exitCode !== '0' || container.stopMs >= STOP_WAIT_S * 1000) {
        report(
          violation(
            'image-stop',
            container.at,
            `docker stop took ${container.stopMs} ms and the process exited ${exitCode} (expected 0 within ${STOP_WAIT_S} s, as Cloud Run's SIGTERM allows); last log lines:\n      | ${await containerLogs(container)}`,
            'handle SIGTERM: close the server and exit 0',
          ),
        );
      }
    }
    await run('docker', ['rm', '-f', container.name]);
  }
}

/** Both services as Cloud Run runs them, each behind its IAM front end (see scenario), then a clean stop of each. */
async function pipelineRun(images, ports, standIns, report) {
  const containers = Object.fromEntries(
    SERVICES.map((app) => [
      app,
      { name: `props-gate-${app}-${process.pid}`, at: `docker/${app}.Dockerfile`, port: ports[app] },
    ]),
  );
  let firstCompletionMs;
  try {
    if (await startServices(containers, images, standIns.endpoints, report))
      firstCompletionMs = await scenario(containers, standIns, report);
  } finally {
    await stopServices(containers, report);
  }
  return { ...containers, firstCompletionMs };
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
 * Builds each deployable app's image from its Dockerfile and the gated bundle, then runs them as
 * Cloud Run does against the gcp stand-ins: the jobs with their arguments; the two services
 * together, each behind Cloud Run's IAM front end, ready within 30 s, a scheduled /start, a push
 * to /predict, a completion pushed to /complete and a scheduled /check-stalled, then a clean stop.
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

  const details = [];
  const built = {};
  const specs = {};
  for (const app of apps) {
    const image = `props-${app}:gate`;
    if (!(await buildImage(root, app, image, report))) continue;
    const megabytes = Math.round(
      Number((await run('docker', ['image', 'inspect', '-f', '{{.Size}}', image])).output.trim()) / 1e6,
    );
    const spec = JSON.parse(readFileSync(join(root, 'apps', app, 'project.json'), 'utf8')).bundle?.imageCheck;
    if (!spec?.job && !spec?.service) {
      report(
        violation(
          'image-run',
          `apps/${app}/project.json`,
          'has no bundle.imageCheck: nothing says how to run its image',
          'add bundle.imageCheck with a service (its Cloud Run service name) or a job (args, expectExit, expectOutput)',
        ),
      );
      continue;
    }
    built[app] = { image, megabytes };
    specs[app] = spec;
  }
  const ports = { worker: await freePort(), coordinator: await freePort() };
  let standIns;
  try {
    standIns = await startGcpStandIns(root, [ports.worker, ports.coordinator]);
  } catch (error) {
    return {
      name: 'images',
      detail: 'no gcp stand-ins',
      violations: [
        ...violations,
        violation(
          'images',
          'tools/gate/images/gcp-stand-ins.ts',
          error instanceof Error ? error.message : String(error),
          "the images check runs containers on the gcp backend against gcloud's Pub/Sub and Firestore emulators: install them",
        ),
      ],
    };
  }
  try {
    for (const app of Object.keys(built).filter((name) => specs[name].job)) {
      const measured = await jobRun(app, built[app].image, specs[app], standIns.endpoints, report);
      details.push(`${app} ${built[app].megabytes} MB, job ${measured.jobMs} ms`);
    }
    if (SERVICES.every((app) => built[app] && specs[app].service)) {
      const images = { worker: built.worker.image, coordinator: built.coordinator.image };
      const measured = await pipelineRun(images, ports, standIns, report);
      for (const app of SERVICES) {
        details.push(
          `${app} ${built[app].megabytes} MB, ${measured[app]?.stopMs !== undefined ? `cold start ${measured[app].coldStartMs} ms, stop ${measured[app].stopMs} ms` : 'not run'}`,
        );
      }
      if (measured.firstCompletionMs !== undefined)
        details.push(
          `behind the Cloud Run front end: first push and completion ${measured.firstCompletionMs} ms after /start`,
        );
    } else details.push('the services were not run: both images are needed');
  } finally {
    await standIns.stop();
    await run('docker', ['image', 'prune', '-f']);
  }
  return { name: 'images', detail: details.join('; '), violations };
}
