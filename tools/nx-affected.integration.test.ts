import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { copyWorkspace, workspaceRoot, type WorkspaceCopy } from './test-support/workspace-copy';

// Deploys run `nx affected -t deploy`, so what "affected" means decides what ships.
let workspace: WorkspaceCopy;

function affectedProjects(): string[] {
  const { status, output } = workspace.run(
    process.execPath,
    ['node_modules/nx/dist/bin/nx.js', 'show', 'projects', '--affected', '--base=HEAD', '--json'],
    {
      NX_DAEMON: 'false',
      NX_NO_CLOUD: 'true',
      CI: 'true',
    },
  );
  expect(status, output).toBe(0);
  const json = output.slice(output.indexOf('['), output.lastIndexOf(']') + 1);
  return (JSON.parse(json) as string[]).sort();
}

const ALL = ['apps', 'libs']
  .flatMap((kind) =>
    readdirSync(join(workspaceRoot, kind)).filter((name) =>
      existsSync(join(workspaceRoot, kind, name, 'project.json')),
    ),
  )
  .concat(existsSync(join(workspaceRoot, 'infra', 'project.json')) ? ['infra'] : [])
  .sort();

beforeAll(() => {
  workspace = copyWorkspace('props-affected-');
}, 300_000);
afterAll(() => workspace?.remove(), 600_000);
afterEach(() => workspace.reset());

describe('nx affected', () => {
  it('marks nothing when nothing changed', () => {
    expect(affectedProjects()).toEqual([]);
  });

  // infra's tests parse each service's declared environment with the service's own configuration
  // code, so whatever affects an app affects infra (its checks run; it has no deploy target).
  it('marks only the worker (and infra, which checks it) when docker/worker.Dockerfile changes', () => {
    workspace.edit('docker/worker.Dockerfile', (text) => `${text}# touched\n`);
    expect(affectedProjects()).toEqual(['infra', 'worker']);
  });

  it('marks a lib, the libs that import it and every app that uses them when the lib changes', () => {
    workspace.edit('libs/contracts/src/game-date.ts', (text) => `${text}// touched\n`);
    // contracts (messages, the status and readiness bodies, the error model) is imported by feature-loader, models, season,
    // warehouse, prediction-store, consolidation, messaging, configuration, service-runtime and distributed-lock, through
    // warehouse by grading and prediction-batch, through service-runtime by emulators, and through them by every app (the
    // feature vector imports nothing, so it stays out).
    expect(affectedProjects()).toEqual([
      'cli',
      'configuration',
      'consolidation',
      'contracts',
      'coordinator',
      'distributed-lock',
      'emulators',
      'feature-loader',
      'grading',
      'infra',
      'messaging',
      'models',
      'prediction-batch',
      'prediction-store',
      'season',
      'service-runtime',
      'warehouse',
      'worker',
    ]);
  });

  it('marks only the lib and the projects that use it when a lib changes, not the libs beside it', () => {
    // messaging: both services publish through it, the CLI's replay pushes through it; infra checks the apps.
    workspace.edit('libs/messaging/src/publisher.ts', (text) => `${text}// touched\n`);
    expect(affectedProjects()).toEqual(['cli', 'coordinator', 'infra', 'messaging', 'worker']);
  });

  it('marks every app when a lib all of them use changes', () => {
    workspace.edit('libs/observability/src/events.ts', (text) => `${text}// touched\n`);
    // Contract tests reach observability through @props/emulators, so their libs count as affected too.
    expect(affectedProjects()).toEqual([
      'cli',
      'consolidation',
      'coordinator',
      'distributed-lock',
      'emulators',
      'feature-loader',
      'grading',
      'infra',
      'messaging',
      'observability',
      'prediction-batch',
      'prediction-store',
      'season',
      'service-runtime',
      'warehouse',
      'worker',
    ]);
  });

  it('marks everything when package.json changes', () => {
    workspace.edit('package.json', (text) =>
      text.replace('"private": true,', '"private": true,\n  "keywords": ["nba"],'),
    );
    expect(affectedProjects()).toEqual(ALL);
  });

  it('marks everything when the lockfile changes', () => {
    workspace.edit('package-lock.json', (text) =>
      text.replace('"lockfileVersion": 3,', '"lockfileVersion": 3,\n  "comment": "touched",'),
    );
    expect(affectedProjects()).toEqual(ALL);
  });
});
