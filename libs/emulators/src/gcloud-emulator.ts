import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from '@props/service-runtime';

const SDK = '/usr/lib/google-cloud-sdk/platform';

/** The emulators gcloud ships that the contract suites and benchmarks run against. */
export const EMULATORS = {
  firestore: {
    binary: `${SDK}/cloud-firestore-emulator/cloud_firestore_emulator`,
    component: 'cloud-firestore-emulator',
    args: (port: number) => ['start', '--host=127.0.0.1', `--port=${port}`],
  },
  pubsub: {
    binary: `${SDK}/pubsub-emulator/bin/cloud-pubsub-emulator`,
    component: 'pubsub-emulator',
    args: (port: number) => ['--host=127.0.0.1', `--port=${port}`],
  },
} as const;

export type EmulatorKind = keyof typeof EMULATORS;

export interface RunningEmulator {
  /** host:port for FIRESTORE_EMULATOR_HOST / PUBSUB_EMULATOR_HOST. */
  host: string;
  stop(): Promise<void>;
}

/** Why the emulator cannot run here, or undefined when it can. */
export function emulatorUnavailable(kind: EmulatorKind): string | undefined {
  const emulator = EMULATORS[kind];
  if (!existsSync(emulator.binary))
    return `the ${kind} emulator is not installed (${emulator.binary} is missing; gcloud component ${emulator.component})`;
  return undefined;
}

/** Starts the emulator on a free loopback port and resolves once it answers HTTP. */
export async function startEmulator(kind: EmulatorKind): Promise<RunningEmulator> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const child: ChildProcess = spawn(EMULATORS[kind].binary, EMULATORS[kind].args(port), {
    detached: true,
    stdio: 'ignore',
  });
  const stop = async () => {
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL'); // the launcher's whole group, java included
      } catch {
        // already gone
      }
    }
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://${host}/`)).status < 500) return { host, stop };
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) break;
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  }
  await stop();
  throw new Error(`the ${kind} emulator did not answer on ${host} within 60 s`);
}
