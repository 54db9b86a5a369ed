// Preloaded (`node --import`; Node 24 strips this file's types itself, so it loads without tsx) ahead of @pulumi/pulumi's own run entry (cmd/run) by pulumi-host.ts: it
// puts Pulumi's mock monitor (pulumi.runtime.setMocks) where the engine would be, so the program is
// loaded exactly as the language host loads it, with no CLI, no engine and no credentials.
// cmd/run is started with `--monitor mock`, which makes the SDK use the monitor setMocks installs
// (@pulumi/pulumi runtime/settings.js getMonitor: addr === "mock").
//
// The mocks answer what only the provider knows (an account's email, a service's URL, the project
// number) and echo the rest. When PROPS_MOCK_PRIOR_STATE names a file of earlier resource states
// (what the stack's state holds before this update), every property the program lists in
// ignoreChanges is taken from that state, as the engine does: "Pulumi ignores a property by using
// the old value from the state instead of the value provided by the Pulumi program ... Ignored
// properties will still be used from the program when there is no previous value in the state"
// (https://www.pulumi.com/docs/iac/concepts/options/ignorechanges/). Every registered resource,
// with the inputs the provider would receive and its ignoreChanges, is written to
// PROPS_MOCK_RECORD when the process exits.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Pulumi from '@pulumi/pulumi';

type Properties = Record<string, any>;
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getIgnorechangesList(): string[];
  getDependenciesList(): string[];
}
type Callback = (error: Error | null, response: unknown) => void;
interface Monitor {
  registerResource(request: RegisterRequest, callback: Callback): void;
  signalAndWaitForShutdown(request: unknown, callback: Callback): void;
}

// The copy of @pulumi/pulumi the program itself loads (one runtime state per process).
const require = createRequire(import.meta.url);
const pulumi = require('@pulumi/pulumi') as typeof Pulumi;
const settings = require('@pulumi/pulumi/runtime/settings') as { getMonitor(): Monitor };

const argument = (flag: string) => {
  const at = process.argv.indexOf(flag);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const project = argument('--project') ?? 'project';
const stack = argument('--stack') ?? 'stack';
const gcpProject = JSON.parse(process.env.PULUMI_CONFIG ?? '{}')['gcp:config:project'] ?? 'mock-project';
const prior: Record<string, Properties> = process.env.PROPS_MOCK_PRIOR_STATE
  ? JSON.parse(readFileSync(process.env.PROPS_MOCK_PRIOR_STATE, 'utf8'))
  : {};
const recorded: Properties[] = [];
const ignoredBy = new Map<string, string[]>();
const dependenciesOf = new Map<string, string[]>();

/** The segments of a property path as ignoreChanges writes it: `template.containers[0].image`. */
const segments = (path: string): string[] =>
  path.split(/\.|\[(\d+)\]/).filter((part) => part !== undefined && part !== '');
function read(object: Properties, path: string): unknown {
  return segments(path).reduce(
    (value: any, key) => (value === undefined || value === null ? undefined : value[key]),
    object,
  );
}
function write(object: Properties, path: string, value: unknown) {
  const keys = segments(path);
  let target = object;
  for (const [index, key] of keys.slice(0, -1).entries()) {
    if (target[key] === undefined || target[key] === null) target[key] = /^\d+$/.test(keys[index + 1]!) ? [] : {};
    target = target[key];
  }
  target[keys.at(-1)!] = value;
}

const mocks: Pulumi.runtime.Mocks = {
  newResource(args) {
    const key = `${args.type} ${args.name}`;
    const inputs = structuredClone(args.inputs) as Properties;
    const ignoreChanges = ignoredBy.get(key) ?? [];
    const before = prior[key];
    if (before) {
      for (const path of ignoreChanges) {
        const old = read(before, path);
        if (old !== undefined) write(inputs, path, structuredClone(old));
      }
    }
    const state: Properties = { ...inputs };
    if (args.type === 'gcp:serviceaccount/account:Account') {
      state.email = `${inputs.accountId}@${gcpProject}.iam.gserviceaccount.com`;
      state.member = `serviceAccount:${state.email}`;
      state.name = `projects/${gcpProject}/serviceAccounts/${state.email}`;
    }
    if (args.type === 'gcp:cloudrunv2/service:Service') state.uri = `https://${inputs.name}-x7k2q9-wl.a.run.app`;
    if (args.type === 'gcp:iam/workloadIdentityPool:WorkloadIdentityPool')
      state.name = `projects/123456789/locations/global/workloadIdentityPools/${inputs.workloadIdentityPoolId}`;
    if (args.type === 'gcp:secretmanager/secret:Secret') state.name = `projects/123456789/secrets/${inputs.secretId}`;
    const id =
      args.type === 'gcp:pubsub/topic:Topic' ? `projects/${gcpProject}/topics/${inputs.name}` : `${args.name}_id`;
    recorded.push({
      type: args.type,
      name: args.name,
      inputs,
      ignoreChanges,
      dependencies: dependenciesOf.get(key) ?? [],
      importId: args.id || undefined,
    });
    return { id, state };
  },
  call(args) {
    if (args.token === 'gcp:organizations/getProject:getProject') return { number: '123456789', projectId: gcpProject };
    return args.inputs;
  },
};

// setMocks installs the mock monitor before its first await (runtime/mocks.js), so the monitor is in
// place when this preload returns; no top-level await, so the file loads as CommonJS under tsx too.
void pulumi.runtime.setMocks(mocks, project, stack, false);

// The mock monitor hands newResource the type, name and inputs only; the registration request also
// carries the resource's ignoreChanges, which the engine applies. Note them before the mocks run.
const monitor = settings.getMonitor();
const register = monitor.registerResource.bind(monitor);
monitor.registerResource = (request: RegisterRequest, callback: Callback) => {
  ignoredBy.set(`${request.getType()} ${request.getName()}`, request.getIgnorechangesList());
  dependenciesOf.set(`${request.getType()} ${request.getName()}`, request.getDependenciesList());
  return register(request, callback);
};
// The engine's shutdown handshake at the end of the program (runtime/settings.js signalAndWaitForShutdown).
monitor.signalAndWaitForShutdown = (_request: unknown, callback: Callback) => callback(null, {});

process.on('exit', () => {
  if (process.env.PROPS_MOCK_RECORD) writeFileSync(process.env.PROPS_MOCK_RECORD, JSON.stringify(recorded));
});
