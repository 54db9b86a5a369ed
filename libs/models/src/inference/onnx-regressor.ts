import { InferenceSession, Tensor } from 'onnxruntime-node';
import { featureMatrix } from './feature-matrix';
import type { Regressor } from './regressor';

/** The options of every served session, on the main thread or on the ONNX thread. */
export const SESSION_OPTIONS = { graphOptimizationLevel: 'all', intraOpNumThreads: 1 } as const;

/** One ONNX regression session on the calling thread: scores many rows in one call. */
export class OnnxRegressor implements Regressor {
  private constructor(
    private readonly session: InferenceSession,
    readonly featureCount: number,
  ) {}

  static async load(model: Uint8Array, featureCount: number): Promise<OnnxRegressor> {
    const session = await InferenceSession.create(model, SESSION_OPTIONS);
    return new OnnxRegressor(session, featureCount);
  }

  /** Rows of exactly `featureCount` numbers (NaN allowed: the trees route it); one prediction per row. */
  async predict(rows: ReadonlyArray<ArrayLike<number>>): Promise<number[]> {
    if (rows.length === 0) return [];
    const input = new Tensor('float32', featureMatrix(rows, this.featureCount), [rows.length, this.featureCount]);
    const outputs = await this.session.run({ [this.session.inputNames[0]!]: input });
    const output = outputs[this.session.outputNames[0]!]!;
    return Array.from(output.data as Float32Array);
  }
}
