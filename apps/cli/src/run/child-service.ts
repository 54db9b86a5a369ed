import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '@props/service-runtime';

/** A service bundle running as a child process on a loopback port. */
export class ChildService {
  private readonly output: string[] = [];

  private constructor(
    readonly name: string,
    readonly url: string,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      this.output.splice(0, Math.max(0, this.output.length - 50));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  static async start(name: string, bundle: string, env: NodeJS.ProcessEnv, port?: number): Promise<ChildService> {
    port ??= await freePort();
    const child = spawn(process.execPath, [bundle], {
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ChildService(name, `http://127.0.0.1:${port}`, child);
  }

  /** Polls /health/ready until 200, the process exits, or the deadline passes. */
  async waitUntilReady(
    timeoutMs: number,
  ): Promise<{ checks: Array<{ name: string; status: string; detail: string }> }> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (this.ended() !== null) throw new Error(`${this.name} ${this.ended()}: ${this.output.slice(-3).join(' | ')}`);
      try {
        const response = await fetch(`${this.url}/health/ready`);
        const body = (await response.json()) as { checks: Array<{ name: string; status: string; detail: string }> };
        if (response.status === 200) return body;
        last = `HTTP ${response.status}: ${JSON.stringify(body).slice(0, 200)}`;
      } catch (error) {
        last = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
      }
      await sleep(100);
    }
    throw new Error(`${this.name} was not ready within ${timeoutMs / 1000} s (last: ${last})`);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** null while the process runs; otherwise how it ended ("exited with 1", "was killed by SIGKILL"). */
  ended(): string | null {
    if (this.child.signalCode !== null) return `was killed by ${this.child.signalCode}`;
    if (this.child.exitCode !== null) return `exited with ${this.child.exitCode}`;
    return null;
  }

  /** The last lines the service wrote (for an error report). */
  recentOutput(): string[] {
    return [...this.output];
  }

  /** Kills the process at once, as a crash or an OOM kill would. */
  kill(): void {
    this.child.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    // A child killed by a signal has no exit code, only a signal code; its exit event has fired.
    if (this.ended() !== null) return;
    const exited = new Promise<void>((resolveExit) => this.child.once('exit', () => resolveExit()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
