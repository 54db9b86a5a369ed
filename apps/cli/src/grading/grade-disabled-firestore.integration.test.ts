import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { DisabledGrpcEndpoint } from '@props/emulators';
import { propsAsync, repositoryRoot } from '../test-support/props-process';

beforeAll(() => {
  // The bundle props runs is the current sources' (props builds it when stale, saying so on stderr).
  const version = spawnSync(process.execPath, ['tools/bin/props.cjs', '--version'], { cwd: repositoryRoot });
  expect(version.status).toBe(0);
}, 240_000);

describe('props grade on gcp with the Firestore API disabled', () => {
  it('names the disabled API in one line, not a stack trace, and exits 1', async () => {
    // Google's gRPC answer for an API disabled in the project (DisabledGrpcEndpoint cites it); the
    // Firestore client talks gRPC in cleartext to FIRESTORE_EMULATOR_HOST.
    const firestore = new DisabledGrpcEndpoint('firestore.googleapis.com', 'Cloud Firestore API');
    const host = await firestore.start();
    try {
      const grade = await propsAsync(
        { PROPS_BACKEND: 'gcp', GCP_PROJECT_ID: 'props-test', FIRESTORE_EMULATOR_HOST: host },
        'grade',
        '--date',
        '2025-03-15',
      );
      expect([grade.code, grade.stderr]).toEqual([
        1,
        'props grade: Firestore (project props-test) cannot be used: firestore.googleapis.com is disabled in project 123456789: enable it with gcloud services enable firestore.googleapis.com --project 123456789 (pulumi up of infra/ enables every API the environment uses)\n',
      ]);
      expect(grade.stdout).toBe('');
    } finally {
      await firestore.stop();
    }
  }, 240_000);
});
