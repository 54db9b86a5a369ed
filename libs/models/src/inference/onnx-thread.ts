import { errorMessage } from '@props/contracts';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { featureMatrix } from './feature-matrix';
import { SESSION_OPTIONS } from './onnx-regressor';
import type { Regressor } from './regressor';

/**
 * What the thread runs. onnxruntime-node runs `session.run` synchronously on the thread that calls
 * it (inside a `setImmediate`), so on the main thread a long run of scoring holds everything else
 * up. The script is evaluated rather than a file of its own: a file found beside this module would
 * not be beside the bundle in the image (the gate's source rules). Its `require` of a computed
 * path is code the bundle does not hold: the gate allows it in this file only, because the CLI's
 * build check (`onnx thread`) runs it where the bundle is installed.
 */
const THREAD_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.onnxruntime);
const sessions = [];
const answer = (id, body) => parentPort.postMessage({ id, ...body });
parentPort.on('message', async (request) => {
  // Closing the port ends the thread once the runs it has already received have returned.
  if (request.close) return parentPort.close();
  try {
    if (request.model) {
      sessions.push(await ort.InferenceSession.create(request.model, workerData.sessionOptions));
      answer(request.id, { session: sessions.length - 1 });
    } else {
      const session = sessions[request.session];
      const input = new ort.Tensor('float32', request.data, [request.rows, request.features]);
      const output = (await session.run({ [session.inputNames[0]]: input }))[session.outputNames[0]];
      answer(request.id, { values: output.data });
    }
  } catch (error) {
    answer(request.id, { error: error instanceof Error ? error.message : String(error) });
  }
});
`;

type Answer = { session?: number; values?: Float32Array; error?: string };

/** onnxruntime-node's entry as this module's own import of it resolves. */
const importedOnnxRuntime = () => fileURLToPath(import.meta.resolve('onnxruntime-node'));

/**
 * ONNX sessions on one worker thread, so scoring overlaps the main thread's work (the backfill
 * merges and grades the chunk before meanwhile). The thread keeps the process alive only while a
 * call is out.
 */
export class OnnxThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (answer: Answer) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private stopped: Error | null = null;
  private readonly exited: Promise<unknown>;

  /** `onnxruntime`: the file the thread requires; another one only to test a thread that cannot start. */
  constructor(onnxruntime = importedOnnxRuntime()) {
    this.worker = new Worker(THREAD_SCRIPT, {
      eval: true,
      workerData: { onnxruntime, sessionOptions: SESSION_OPTIONS },
    });
    // Not events.once: that would reject on the 'error' event a thread that fails to start emits first.
    this.exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.unref();
    this.worker.on('message', (answer: Answer & { id: number }) => {
      const call = this.settle(answer.id);
      if (answer.error !== undefined) call?.reject(new Error(answer.error));
      else call?.resolve(answer);
    });
    this.worker.on('error', (error) => this.stop(new Error(`the ONNX thread failed: ${errorMessage(error)}`)));
    this.worker.on('exit', (code) => this.stop(new Error(`the ONNX thread stopped (exit code ${code})`)));
  }

  /** A session of `model` on the thread. */
  async load(model: Uint8Array, featureCount: number): Promise<Regressor> {
    const { session } = await this.call({ model });
    return {
      featureCount,
      predict: async (rows) => {
        if (rows.length === 0) return [];
        const data = featureMatrix(rows, featureCount);
        const answer = await this.call({ session, rows: rows.length, features: featureCount, data }, [data.buffer]);
        return Array.from(answer.values!);
      },
    };
  }

  /**
   * Refuses the calls still out and every later one, and resolves once the thread has ended. It
   * ends itself after the runs it has already received: `terminate()` during `session.run` aborts
   * the whole process (onnxruntime-node 1.30 throws a C++ exception nothing catches), and so would
   * the process ending meanwhile. Nothing else may hold the event loop while the thread finishes
   * (a worker whose port is closed does not), so a timer holds it until the thread's exit.
   */
  async close(): Promise<void> {
    this.stop(new Error('the ONNX thread was closed'));
    this.worker.postMessage({ close: true });
    const hold = setInterval(() => {}, 60_000);
    try {
      await this.exited;
    } finally {
      clearInterval(hold);
    }
  }

  /** Ref'd from the first call out to the last answer in: an idle thread never holds the process. */
  private call(request: object, transfer: ArrayBuffer[] = []): Promise<Answer> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      try {
        this.worker.postMessage({ id, ...request }, transfer);
      } catch (error) {
        this.settle(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  private settle(id: number) {
    const call = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
    return call;
  }

  private stop(reason: Error): void {
    this.stopped ??= reason;
    for (const call of this.pending.values()) call.reject(this.stopped);
    this.pending.clear();
    this.worker.unref();
  }
}
