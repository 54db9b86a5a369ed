// The season backfill's floor, run as its own process: the features of the whole range read in one
// query, the two served ONNX models run once each over all of them, and the rows the backfill wrote
// (read back before the clock starts) appended once through one DuckDB appender into an empty table
// of the predictions table's shape. Prints {"seconds": ...} (the clock covers those three steps,
// the inference sessions' creation included).
// usage: node tools/bench/backfill-floor.mjs <warehouse.duckdb> <from> <to>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { InferenceSession, Tensor } from 'onnxruntime-node';

const [warehouse, from, to] = process.argv.slice(2);
if (!warehouse || !/^\d{4}-\d{2}-\d{2}$/.test(from ?? '') || !/^\d{4}-\d{2}-\d{2}$/.test(to ?? ''))
  throw new Error('usage: node tools/bench/backfill-floor.mjs <warehouse.duckdb> <from YYYY-MM-DD> <to YYYY-MM-DD>');
const root = join(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(join(root, 'libs/models/src/artifacts/model-manifest.json'), 'utf8'));

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
// Attached as every opening of the product attaches it (libs/warehouse/src/local/row-group-rows.ts):
// at DuckDB's default size, the close would merge the backfill's 16,384-row groups back, a cost
// the product never pays.
await connection.run(`ATTACH '${warehouse.replaceAll("'", "''")}' AS warehouse (ROW_GROUP_SIZE 16384); USE warehouse`);
const range = `game_date BETWEEN DATE '${from}' AND DATE '${to}'`;
const written = await connection.run(`SELECT * FROM nba_predictions.player_prop_predictions WHERE ${range}`);
const chunks = await written.fetchAllChunks();
const rowCount = chunks.reduce((sum, chunk) => sum + chunk.rowCount, 0);
await connection.run(
  'CREATE OR REPLACE TABLE nba_predictions.floor_rows AS SELECT * FROM nba_predictions.player_prop_predictions LIMIT 0',
);

const started = process.hrtime.bigint();
const features = /** @type {Array<{ items: unknown[] }>} */ (
  (
    await connection.runAndReadAll(`SELECT features FROM nba_predictions.ml_feature_store_v2 WHERE ${range}`)
  ).getColumns()[0] ?? []
);
let predictions = 0;
for (const entry of manifest.models) {
  const width = entry.features.length;
  const session = await InferenceSession.create(new Uint8Array(readFileSync(join(root, 'models', entry.onnx))), {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: 1,
  });
  const data = new Float32Array(features.length * width);
  features.forEach((list, row) => {
    const values = list.items;
    for (let column = 0; column < width; column += 1) data[row * width + column] = Number(values[column] ?? NaN);
  });
  const input = /** @type {string} */ (session.inputNames[0]);
  const output = /** @type {string} */ (session.outputNames[0]);
  const outputs = await session.run({ [input]: new Tensor('float32', data, [features.length, width]) });
  predictions += /** @type {import('onnxruntime-node').Tensor} */ (outputs[output]).data.length;
}
const appender = await connection.createAppender('floor_rows', 'nba_predictions');
for (const chunk of chunks) appender.appendDataChunk(chunk);
appender.closeSync();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await connection.run('DROP TABLE nba_predictions.floor_rows');
connection.closeSync();
instance.closeSync();
console.log(JSON.stringify({ seconds, features: features.length, predictions, rows: rowCount }));
