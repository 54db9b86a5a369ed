import { readFileSync, writeFileSync } from 'node:fs';
import { ModelFormatError, UnsupportedModelError, convertModel } from '@props/models';
import { UsageError, parseCommandArgs, type CliCommand } from '../cli-command';

export const convertCommand: CliCommand = {
  words: ['models', 'convert'],
  summary: 'convert a CatBoost .cbm or XGBoost .json model to ONNX',
  usage: 'props models convert <model.cbm|model.json> --out <model.onnx> [--last-iteration N]',
  options: [
    ['<model.cbm|model.json>', 'the model to convert: a CatBoost binary (.cbm) or an XGBoost JSON dump (.json)'],
    ['--out FILE.onnx', 'where the ONNX model goes (required)'],
    ['--last-iteration N', 'XGBoost: keep the trees of boosting rounds 0..N (the best iteration after early stopping)'],
  ],
  async run(args) {
    const { values, positionals } = parseCommandArgs({
      args: [...args],
      allowPositionals: true,
      options: { out: { type: 'string' }, 'last-iteration': { type: 'string' } },
    });
    const [input] = positionals;
    if (!input || positionals.length > 1) throw new UsageError('name exactly one model file');
    if (!values.out) throw new UsageError('--out <model.onnx> is required');
    const lastIteration = values['last-iteration'] === undefined ? undefined : Number(values['last-iteration']);
    if (lastIteration !== undefined && (!Number.isInteger(lastIteration) || lastIteration < 0))
      throw new UsageError(`--last-iteration expects a whole number ≥ 0, got ${values['last-iteration']}`);
    let file: Uint8Array;
    try {
      file = readFileSync(input);
    } catch (error) {
      process.stderr.write(
        `props models convert: cannot read ${input}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`,
      );
      return 1;
    }
    try {
      const { ensemble, onnx } = convertModel(file, { lastIteration });
      writeFileSync(values.out, onnx);
      process.stdout.write(
        `${input}: ${ensemble.source.format}, ${ensemble.source.note}, ${ensemble.featureCount} features -> ${values.out} (${onnx.byteLength} bytes)\n`,
      );
      return 0;
    } catch (error) {
      if (error instanceof UnsupportedModelError || error instanceof ModelFormatError) {
        process.stderr.write(`props models convert: ${input}: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
  },
};
