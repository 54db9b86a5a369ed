import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// The rollout logic of tools/deploy/deploy-cloud-run.sh: gcloud, docker and curl are replaced on PATH
// by scripts that record each call and answer as the tools do (no GCP here). The commands, their
// order, the token each probe carries and the rollback are what is checked.
const root = resolve(import.meta.dirname, '../..');
const commit = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
const tag = `c-${commit.slice(0, 12)}`;

const FAKE_GCLOUD = `#!/usr/bin/env bash
echo "gcloud $*" >> "$CALLS"
case "$*" in
  "auth print-identity-token") echo "token-of-the-operator" ;;
  *"services describe"*"--format=json"*)
    # The service's status.traffic as Cloud Run Admin API v1 documents TrafficTarget
    # (cloud.google.com/run/docs/reference/rest/v1/TrafficTarget): revisionName, percent ("defaults to
    # zero if unspecified", so a 0% target carries none), tag, and url ("output only", for tagged
    # targets). An older commit's tag stays at 0% ahead of the serving revision.
    echo "{\\"status\\":{\\"traffic\\":[{\\"revisionName\\":\\"svc-00040-old\\",\\"tag\\":\\"c-0ld0ld0ld0ld\\",\\"url\\":\\"https://c-0ld0ld0ld0ld---svc.a.run.app\\"},{\\"revisionName\\":\\"$FAKE_PREVIOUS\\",\\"percent\\":100},{\\"revisionName\\":\\"svc-00042-new\\",\\"tag\\":\\"$FAKE_TAG\\",\\"url\\":\\"https://$FAKE_TAG---svc.a.run.app\\"}]}}" ;;
  *"services describe"*"status.url"*) echo "https://svc.a.run.app" ;;
esac
`;
// The registry has the commit's image unless FAKE_NO_IMAGE is set (then manifest inspect fails, as for a missing tag).
const FAKE_DOCKER = `#!/usr/bin/env bash
echo "docker $*" >> "$CALLS"
if [[ "$1" == manifest && -n "\${FAKE_NO_IMAGE:-}" ]]; then exit 1; fi
`;
// /health/ready of the tagged revision and of the serving URL: the commit each one reports.
const FAKE_CURL = `#!/usr/bin/env bash
echo "curl $*" >> "$CALLS"
url="\${!#}"
if [[ "$url" == *"---"* ]]; then reported="$FAKE_TAGGED_COMMIT"; else reported="$FAKE_SERVING_COMMIT"; fi
printf '{"status":"ready","build":{"commit":"%s"}}' "$reported"
`;

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'props-deploy-'));
  for (const [name, text] of [
    ['gcloud', FAKE_GCLOUD],
    ['docker', FAKE_DOCKER],
    ['curl', FAKE_CURL],
    ['sleep', '#!/usr/bin/env bash\n'],
  ]) {
    writeFileSync(join(scratch, name!), text!);
    chmodSync(join(scratch, name!), 0o755);
  }
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

function deploy(app: string, env: Record<string, string>) {
  const calls = join(scratch, 'calls');
  writeFileSync(calls, '');
  const result = spawnSync('bash', ['tools/deploy/deploy-cloud-run.sh', app], {
    cwd: root,
    encoding: 'utf8',
    env: {
      PATH: `${scratch}:${process.env.PATH}`,
      HOME: scratch,
      CALLS: calls,
      GCP_PROJECT_ID: 'props-test',
      GCP_REGION: 'us-west2',
      ARTIFACT_REPOSITORY: 'props',
      FAKE_PREVIOUS: 'prediction-worker-00041-abc',
      FAKE_TAG: tag,
      FAKE_TAGGED_COMMIT: commit,
      FAKE_SERVING_COMMIT: commit,
      ...env,
    },
  });
  return { ...result, calls: readFileSync(calls, 'utf8').trim().split('\n') };
}

const traffic = (calls: string[]) => calls.filter((call) => call.includes('update-traffic'));
const bearers = (calls: string[]) =>
  calls.filter((call) => call.startsWith('curl')).map((call) => /Bearer (\S+)/.exec(call)?.[1]);

/** An identity token as the auth action mints it: a JWT whose payload carries exp (seconds since the epoch). */
function jwt(secondsLeft: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'RS256' })}.${part({ aud: 'https://prediction-worker.props', iat: now, exp: now + secondsLeft })}.c2ln`;
}

describe('deploy-cloud-run.sh', () => {
  it('deploys a tagged revision without traffic, probes its commit, moves traffic, and probes the serving URL, with the minted token', () => {
    const minted = jwt(540);
    const result = deploy('worker', { DEPLOY_ID_TOKEN_WORKER: minted });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n').at(-1)).toBe(`prediction-worker serves ${commit} (${tag})`);
    const image = `us-west2-docker.pkg.dev/props-test/props/worker:${commit}`;
    expect(result.calls.map((call) => call.split(' ').slice(0, 4).join(' '))).toEqual([
      `docker manifest inspect ${image}`,
      'gcloud run services describe',
      'gcloud run deploy prediction-worker',
      'gcloud run services describe',
      `curl -fsS --max-time 10`,
      'gcloud run services update-traffic',
      'gcloud run services describe',
      `curl -fsS --max-time 10`,
    ]);
    expect(result.calls[2]).toContain(`--no-traffic --tag=${tag}`);
    expect(traffic(result.calls)).toEqual([expect.stringContaining(`--to-tags=${tag}=100`)]);
    expect(bearers(result.calls)).toEqual([minted, minted]);
    expect(result.calls).not.toContain('gcloud auth print-identity-token');
  });

  it('rolls back to the revision that served before when the tagged revision reports another commit; traffic never moves to it', () => {
    const result = deploy('worker', { DEPLOY_ID_TOKEN_WORKER: jwt(540), FAKE_TAGGED_COMMIT: 'an-older-commit' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`probe failed for https://${tag}---svc.a.run.app:`);
    expect(result.stderr).toContain('rolling prediction-worker back to prediction-worker-00041-abc');
    expect(result.calls.filter((call) => call.startsWith('curl'))).toHaveLength(20);
    expect(traffic(result.calls)).toEqual([expect.stringContaining('--to-revisions=prediction-worker-00041-abc=100')]);
  });

  it('rolls back when the serving URL does not answer with the commit after traffic moved', () => {
    const result = deploy('worker', { DEPLOY_ID_TOKEN_WORKER: jwt(540), FAKE_SERVING_COMMIT: 'an-older-commit' });
    expect(result.status).toBe(1);
    expect(traffic(result.calls)).toEqual([
      expect.stringContaining(`--to-tags=${tag}=100`),
      expect.stringContaining('--to-revisions=prediction-worker-00041-abc=100'),
    ]);
  });

  it("run by hand in staging: the operator's own identity token, the staging service", () => {
    const result = deploy('coordinator', { ENVIRONMENT: 'staging', FAKE_PREVIOUS: 'prediction-coordinator-staging-7' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.calls).toContain('gcloud auth print-identity-token');
    expect(bearers(result.calls)).toEqual(['token-of-the-operator', 'token-of-the-operator']);
    expect(result.calls.find((call) => call.startsWith('gcloud run deploy'))).toContain(
      'deploy prediction-coordinator-staging --image=',
    );
  });

  it('DEPLOY_STEP=image builds and pushes the missing image and rolls nothing out', () => {
    const result = deploy('worker', { DEPLOY_STEP: 'image', FAKE_NO_IMAGE: '1' });
    expect(result.status, result.stderr).toBe(0);
    const image = `us-west2-docker.pkg.dev/props-test/props/worker:${commit}`;
    expect(result.calls.map((call) => call.split(' ').slice(0, 2).join(' '))).toEqual([
      'docker manifest',
      'docker build',
      'docker push',
    ]);
    expect(result.stdout.trim()).toBe(`${image} pushed`);
  });

  it('DEPLOY_STEP=rollout never builds: a missing image is one line and nothing is rolled out', () => {
    const result = deploy('worker', { DEPLOY_STEP: 'rollout', DEPLOY_ID_TOKEN_WORKER: jwt(540), FAKE_NO_IMAGE: '1' });
    expect([result.status, result.stderr.trim()]).toEqual([
      1,
      `deploy: us-west2-docker.pkg.dev/props-test/props/worker:${commit} is not in the registry; build and push it first (DEPLOY_STEP=image)`,
    ]);
    expect(result.calls).toEqual([`docker manifest inspect us-west2-docker.pkg.dev/props-test/props/worker:${commit}`]);
  });

  it('DEPLOY_STEP=rollout rolls out the pushed image without building it', () => {
    const result = deploy('worker', { DEPLOY_STEP: 'rollout', DEPLOY_ID_TOKEN_WORKER: jwt(540) });
    expect(result.status, result.stderr).toBe(0);
    expect(result.calls.filter((call) => call.startsWith('docker build') || call.startsWith('docker push'))).toEqual(
      [],
    );
    expect(traffic(result.calls)).toEqual([expect.stringContaining(`--to-tags=${tag}=100`)]);
  });

  it('refuses a minted token about to expire before deploying anything, in one line', () => {
    const result = deploy('worker', { DEPLOY_ID_TOKEN_WORKER: jwt(5) });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toMatch(
      /^deploy: DEPLOY_ID_TOKEN_WORKER expires in \d+s; mint it in the step right before this rollout$/,
    );
    expect(result.calls.filter((call) => call.startsWith('gcloud'))).toEqual([]);
  });

  it('refuses a token that is not an identity token, in one line', () => {
    const result = deploy('worker', { DEPLOY_ID_TOKEN_WORKER: 'not-a-jwt' });
    expect([result.status, result.stderr.trim()]).toEqual([
      1,
      'deploy: DEPLOY_ID_TOKEN_WORKER is not an identity token (no exp claim in a JWT payload)',
    ]);
  });

  it('refuses an unknown environment before touching anything', () => {
    const result = deploy('worker', { ENVIRONMENT: 'prod' });
    expect([result.status, result.stderr.trim()]).toEqual([
      2,
      'deploy: ENVIRONMENT must be production or staging, got prod',
    ]);
    expect(result.calls).toEqual(['']);
  });
});
