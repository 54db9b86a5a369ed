import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { featureMatrix } from './feature-matrix';
import { SESSION_OPTIONS } from './onnx-regressor';
import type { Regressor } from './regressor';

/**
 * What the thread runs. onnxruntime-node runs `session.run` synchronously on the thread that calls
 * it (inside a `setImmediate`), so on the main thread a long run of scoring holds everything else
 * up. The script is evaluated rather than a file of its own: a file found beside this module would
 * not be beside the bundle in the image (the gate's source rules). It requires the very package
 * this module imports, located by Node's own resolution from here.
 */
const THREAD_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.onnxruntime);
const sessions = [];
const answer = (id, body, transfer) => parentPort.postMessage({ id, ...body }, transfer);
parentPort.on('message', async (request) => {
  try {
    if (request.backends) {
      answer(request.id, { backends: ort.listSupportedBackends().map((backend) => backend.name) });
    } else if (request.model) {
      sessions.push(await ort.InferenceSession.create(request.model, workerData.sessionOptions));
      answer(request.id, { session: sessions.length - 1 });
    } else {
      const session = sessions[request.session];
      const input = new ort.Tensor('float32', request.data, [request.rows, request.features]);
      const output = (await session.run({ [session.inputNames[0]]: input }))[session.outputNames[0]].data;
      answer(request.id, { values: output }, [output.buffer]);
    }
  } catch (error) {
    answer(request.id, { error: error instanceof Error ? error.message : String(error) });
  }
});
`;

type Answer = { session?: number; values?: Float32Array; backends?: string[]; error?: string };

/**
 * ONNX sessions on one worker thread, so scoring overlaps the main thread's work (the backfill forms
 * rows and reads DuckDB meanwhile). The thread keeps the process alive only while a call is out.
 */
export class OnnxThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (answer: Answer) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private stopped: Error | null = null;

  constructor() {
    this.worker = new Worker(THREAD_SCRIPT, {
      eval: true,
      workerData: {
        onnxruntime: fileURLToPath(import.meta.resolve('onnxruntime-node')),
        sessionOptions: SESSION_OPTIONS,
      },
    });
    this.worker.unref();
    this.worker.on('message', (answer: Answer & { id: number }) => {
      const call = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      if (this.pending.size === 0) this.worker.unref();
      if (answer.error !== undefined) call?.reject(new Error(answer.error));
      else call?.resolve(answer);
    });
    this.worker.on('error', (error) => this.stop(new Error(`the ONNX thread failed: ${error.message}`)));
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
        const { values } = await this.call({ session, rows: rows.length, features: featureCount, data }, [
          data.buffer as ArrayBuffer,
        ]);
        return Array.from(values!);
      },
    };
  }

  /** The execution providers onnxruntime-node offers on the thread (the image's build check). */
  async backends(): Promise<string[]> {
    return (await this.call({ backends: true })).backends!;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private call(request: object, transfer: ArrayBuffer[] = []): Promise<Answer> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, ...request }, transfer);
    });
  }

  private stop(reason: Error): void {
    this.stopped ??= reason;
    for (const call of this.pending.values()) call.reject(this.stopped);
    this.pending.clear();
  }
}
