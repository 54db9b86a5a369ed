import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from '@props/service-runtime';

const EMULATOR = '/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator';

/** Why the Pub/Sub emulator cannot run here, or undefined when it can. */
export function pubsubEmulatorUnavailable(): string | undefined {
  if (!existsSync(EMULATOR)) return `the Pub/Sub emulator is not installed (${EMULATOR} is missing; gcloud component pubsub-emulator)`;
  return undefined;
}

/** Starts the emulator on a free loopback port; resolves once it answers. */
export async function startPubsubEmulator(): Promise<{ host: string; stop(): Promise<void> }> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const child: ChildProcess = spawn(EMULATOR, [`--host=127.0.0.1`, `--port=${port}`], { detached: true, stdio: 'ignore' });
  const stop = async () => {
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
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
    await new Promise((resolveWait) => setTimeout(resolveWait, 250));
  }
  await stop();
  throw new Error(`the Pub/Sub emulator did not answer on ${host} within 60 s`);
}
