// Used by tools/parity/run-original.py: scores the original CatBoost V8's vectors with this
// project's ONNX conversion of the same model (the catboost Python package is not available).
// Reads one JSON array of numbers per line on stdin, writes one prediction per line.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import ort from 'onnxruntime-node';

const modelPath = process.argv[2];
if (!modelPath) {
  console.error('usage: onnx-scorer.mjs MODEL.onnx');
  process.exit(2);
}
const session = await ort.InferenceSession.create(readFileSync(modelPath), { intraOpNumThreads: 1 });
const [inputName] = session.inputNames;
const [outputName] = session.outputNames;
if (!inputName || !outputName) throw new Error(`${modelPath}: the model has no input or output`);
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  const row = JSON.parse(line);
  const input = new ort.Tensor('float32', Float32Array.from(row), [1, row.length]);
  const outputs = await session.run({ [inputName]: input });
  const data = /** @type {Float32Array} */ (outputs[outputName]?.data);
  process.stdout.write(`${Number(data[0])}\n`);
}
