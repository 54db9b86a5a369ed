import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';

/** infra/: the Pulumi project (Pulumi.yaml, Pulumi.<stack>.yaml). */
export const INFRA_FOLDER = resolve(import.meta.dirname, '..', '..');

/** A resource as the mock engine recorded it: the inputs the provider would receive, after ignoreChanges. */
export interface HostedResource {
  type: string;
  name: string;
  inputs: Record<string, any>;
  ignoreChanges: string[];
  /** URNs of the resources it waits for (its dependsOn and the resources its inputs come from). */
  dependencies: string[];
  importId?: string;
}

export interface HostedRun {
  status: number | null;
  stderr: string;
  resources: HostedResource[];
}

interface ProjectFile {
  name: string;
  main?: string;
  runtime: string | { name: string; options?: { typescript?: boolean; nodeargs?: string; tsconfig?: string } };
  options?: { refresh?: string };
}

export function readProjectFile(text = readFileSync(join(INFRA_FOLDER, 'Pulumi.yaml'), 'utf8')): ProjectFile {
  return parse(text) as ProjectFile;
}

/** Splits nodeargs as the language host does (shlex.Split): whitespace, with quoted words kept whole. */
export function splitNodeArgs(nodeargs: string): string[] {
  return [...nodeargs.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3]!);
}

/**
 * The command Pulumi's Node.js language host runs for `pulumi up` (pulumi/pulumi
 * sdk/nodejs/cmd/pulumi-language-nodejs/main.go: parseOptions reads runtime.options
 * `typescript` (default true), `tsconfig` and `nodeargs`; execNodejs sets PULUMI_CONFIG, and
 * PULUMI_NODEJS_TYPESCRIPT=true when typescript is on, then runs `node <nodeargs>
 * <@pulumi/pulumi/cmd/run resolved from the program directory> --monitor ... --project ...
 * --stack ... --pwd <program directory> <main>`), with the mock engine preloaded after the
 * project's own nodeargs and `--monitor mock` in place of the engine's address.
 */
export function hostCommand(
  stack: string,
  project: ProjectFile,
  stackFileText = readFileSync(join(INFRA_FOLDER, `Pulumi.${stack}.yaml`), 'utf8'),
  extraConfig: Record<string, string> = {},
): { args: string[]; env: Record<string, string> } {
  const runtime = typeof project.runtime === 'string' ? { name: project.runtime } : project.runtime;
  const options = runtime.options ?? {};
  const stackConfig = {
    ...((parse(stackFileText) as { config?: Record<string, unknown> }).config ?? {}),
    ...extraConfig,
  };
  // constructConfig: each key `namespace:name` is handed to the program as `namespace:config:name`.
  const config = Object.fromEntries(
    Object.entries(stackConfig).map(([key, value]) => {
      const [namespace, name] = key.split(':') as [string, string];
      return [`${namespace}:config:${name}`, typeof value === 'string' ? value : JSON.stringify(value)];
    }),
  );
  const runPath = createRequire(join(INFRA_FOLDER, 'package.json')).resolve('@pulumi/pulumi/cmd/run');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    METADATA_SERVER_DETECTION: 'none',
    PULUMI_CONFIG: JSON.stringify(config),
    PULUMI_CONFIG_SECRET_KEYS: '[]',
  };
  if (options.typescript ?? true) env.PULUMI_NODEJS_TYPESCRIPT = 'true';
  if (options.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
  const args = [
    ...splitNodeArgs(options.nodeargs ?? ''),
    '--import',
    pathToFileURL(join(import.meta.dirname, 'mock-engine.ts')).href,
    runPath,
    '--monitor',
    'mock',
    '--project',
    project.name,
    '--stack',
    stack,
    '--pwd',
    INFRA_FOLDER,
    project.main ?? '.',
  ];
  return { args, env };
}

/** Runs infra/ for one stack the way the Pulumi CLI does, under the mock engine; resolves when the process ends. */
export async function runThroughPulumiHost(
  stack: string,
  options: {
    project?: ProjectFile;
    /** Stack settings on top of Pulumi.<stack>.yaml's (`pulumi config set`). */
    config?: Record<string, string>;
    priorState?: Record<string, unknown>;
    environment?: Record<string, string>;
  } = {},
): Promise<HostedRun> {
  const folder = mkdtempSync(join(tmpdir(), 'props-pulumi-host-'));
  try {
    const { args, env } = hostCommand(stack, options.project ?? readProjectFile(), undefined, options.config);
    env.PROPS_MOCK_RECORD = join(folder, 'resources.json');
    if (options.priorState) {
      env.PROPS_MOCK_PRIOR_STATE = join(folder, 'prior.json');
      writeFileSync(env.PROPS_MOCK_PRIOR_STATE, JSON.stringify(options.priorState));
    }
    Object.assign(env, options.environment ?? {});
    // The language host starts node in the CLI's working directory; the workflows run `pulumi` from infra/.
    const child = spawn(process.execPath, args, { cwd: INFRA_FOLDER, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    let resources: HostedResource[] = [];
    try {
      resources = JSON.parse(readFileSync(env.PROPS_MOCK_RECORD, 'utf8')) as HostedResource[];
    } catch {
      resources = [];
    }
    return { status, stderr, resources };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
