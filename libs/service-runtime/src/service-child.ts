import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ReadinessBodySchema, type ReadinessBody } from '@props/contracts';
import { freePort } from './free-port';
import { INSTANCE_TOKEN_HEADER, INSTANCE_TOKEN_VARIABLE } from './instance-token';

export interface ServiceChildOptions {
  name: string;
  /** Node's arguments: a bundle's main.js, or `--import tsx` and a source entry. */
  args: string[];
  env: NodeJS.ProcessEnv;
  /** A free loopback port when absent. */
  port?: number;
  /** Start from this process's environment (the default), or from `env` alone. */
  inheritEnvironment?: boolean;
}

const OUTPUT_KEPT = 20_000;

/** A service as a child process on a loopback port: started, probed, stopped, its output kept for an error report. */
export class ServiceChild {
  private output = '';

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly instanceToken: string,
  ) {
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString('utf8')).slice(-OUTPUT_KEPT));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  static async start(options: ServiceChildOptions): Promise<ServiceChild> {
    const port = options.port ?? (await freePort());
    const base = options.inheritEnvironment === false ? {} : process.env;
    const instanceToken = randomUUID();
    const child = spawn(process.execPath, options.args, {
      env: {
        ...base,
        HOST: '127.0.0.1',
        ...options.env,
        PORT: String(port),
        [INSTANCE_TOKEN_VARIABLE]: instanceToken,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServiceChild(options.name, port, child, instanceToken);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
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

  get alive(): boolean {
    return this.ended() === null;
  }

  /** Everything the service wrote, up to the last 20,000 characters. */
  get logs(): string {
    return this.output;
  }

  /** The last lines the service wrote (for an error report). */
  recentOutput(lines = 50): string[] {
    return this.output.split('\n').filter(Boolean).slice(-lines);
  }

  /** Polls `/health` until the service listens; fails when it ends first or the deadline passes. */
  async waitUntilListening(timeoutMs: number): Promise<void> {
    await this.poll(timeoutMs, '/health', async (response) => response.status === 200);
  }

  /** Polls `/health/ready` until it answers 200: the readiness body, with every check. */
  async waitUntilReady(timeoutMs: number): Promise<ReadinessBody> {
    let ready: ReadinessBody | undefined;
    await this.poll(timeoutMs, '/health/ready', async (response) => {
      if (response.status !== 200) return false;
      ready = ReadinessBodySchema.parse(await response.json());
      return true;
    });
    return ready!;
  }

  private async poll(timeoutMs: number, path: string, done: (response: Response) => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      const ended = this.ended();
      if (ended !== null) throw new Error(`${this.name} ${ended}: ${this.recentOutput(3).join(' | ')}`);
      try {
        const response = await fetch(`${this.url}${path}`);
        if (response.headers.get(INSTANCE_TOKEN_HEADER) !== this.instanceToken) {
          // Another process took the port after it was picked: this child will fail to listen.
          last = `another process answers on port ${this.port}`;
          await response.body?.cancel();
        } else if (await done(response)) return;
        else last = `HTTP ${response.status}`;
      } catch (error) {
        last = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
      }
      await sleep(100);
    }
    throw new Error(`${this.name} did not answer ${path} within ${timeoutMs / 1000} s (last: ${last})`);
  }

  /** Kills the process at once, as a crash or an OOM kill would; resolves once it is gone. */
  async kill(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise<void>((resolveExit) => this.child.once('exit', () => resolveExit()));
    this.child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM, then SIGKILL after 5 s; resolves once it is gone. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise<void>((resolveExit) => this.child.once('exit', () => resolveExit()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
