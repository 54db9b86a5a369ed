// The start-up floor: what a worker cannot start faster than. onnxruntime-node loaded, the served
// models' two inference sessions created from their files (sha256 checked, as the worker does), and
// an HTTP listener answering /health/ready. No framework, no configuration, no logger.
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { createServer } = require('node:http');
const { join } = require('node:path');

async function main() {
  const { InferenceSession } = require('onnxruntime-node');
  const root = process.env.PROPS_MODEL_DIR ?? 'models';
  const manifest = JSON.parse(readFileSync(process.env.PROPS_MODEL_MANIFEST ?? 'model-manifest.json', 'utf8'));
  const sessions = [];
  for (const entry of /** @type {Array<{ onnx: string, onnx_sha256: string }>} */ (manifest.models)) {
    const bytes = readFileSync(join(root, entry.onnx));
    if (createHash('sha256').update(bytes).digest('hex') !== entry.onnx_sha256)
      throw new Error(`${entry.onnx}: sha256`);
    sessions.push(
      await InferenceSession.create(new Uint8Array(bytes), { graphOptimizationLevel: 'all', intraOpNumThreads: 1 }),
    );
  }
  createServer((request, response) => {
    response.writeHead(request.url === '/health/ready' ? 200 : 404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: 'ready', sessions: sessions.length }));
  }).listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
