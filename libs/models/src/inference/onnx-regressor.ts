import { InferenceSession, Tensor } from 'onnxruntime-node';

/** One ONNX regression session: scores many rows in one call. */
export class OnnxRegressor {
  private constructor(
    private readonly session: InferenceSession,
    readonly featureCount: number,
  ) {}

  static async load(model: Uint8Array, featureCount: number): Promise<OnnxRegressor> {
    const session = await InferenceSession.create(model, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
    return new OnnxRegressor(session, featureCount);
  }

  /** Rows of exactly `featureCount` numbers (NaN allowed: the trees route it); one prediction per row. */
  async predict(rows: ReadonlyArray<ArrayLike<number>>): Promise<number[]> {
    if (rows.length === 0) return [];
    const data = new Float32Array(rows.length * this.featureCount);
    rows.forEach((row, index) => {
      if (row.length !== this.featureCount)
        throw new RangeError(`row ${index} has ${row.length} values; the model reads ${this.featureCount}`);
      data.set(Array.from(row), index * this.featureCount);
    });
    const input = new Tensor('float32', data, [rows.length, this.featureCount]);
    const outputs = await this.session.run({ [this.session.inputNames[0]!]: input });
    const output = outputs[this.session.outputNames[0]!]!;
    return Array.from(output.data as Float32Array);
  }
}
