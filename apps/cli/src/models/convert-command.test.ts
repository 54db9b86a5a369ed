import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { OnnxRegressor } from '@props/models';
import { UsageError } from '../cli-command';
import { convertCommand } from './convert-command';

const fixtures = resolve(import.meta.dirname, '../../../../libs/models/test-fixtures/go-catboost');

describe('props models convert', () => {
  it('writes an ONNX model that reproduces the real CatBoost predictions', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'props-convert-')), 'model.onnx');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const code = await convertCommand.run([join(fixtures, 'float_regression.cbm'), '--out', out]);
    write.mockRestore();
    expect(code).toBe(0);
    const fixture = JSON.parse(readFileSync(join(fixtures, 'float_regression.json'), 'utf8')) as {
      samples: Array<{ floats: number[] }>;
      predictions: number[][];
    };
    const predictions = await (
      await OnnxRegressor.load(readFileSync(out), 6)
    ).predict(fixture.samples.map((sample) => sample.floats));
    predictions.forEach((value, index) => expect(value).toBeCloseTo(fixture.predictions[index]![0]!, 4));
  });

  it('refuses an unsupported model with exit 1 and the reason', async () => {
    const errors: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((text) => errors.push(String(text)) > 0);
    const code = await convertCommand.run([
      join(fixtures, 'nonsym_regression.cbm'),
      '--out',
      join(tmpdir(), 'never.onnx'),
    ]);
    write.mockRestore();
    expect(code).toBe(1);
    expect(errors.join('')).toContain('non-symmetric (Depthwise/Lossguide) trees');
  });

  it('answers usage errors for missing arguments', async () => {
    await expect(convertCommand.run([])).rejects.toThrow(UsageError);
    await expect(convertCommand.run([join(fixtures, 'single_tree.cbm')])).rejects.toThrow(
      '--out <model.onnx> is required',
    );
    await expect(
      convertCommand.run([join(fixtures, 'single_tree.cbm'), '--out', 'x.onnx', '--last-iteration=-3']),
    ).rejects.toThrow('--last-iteration expects a whole number ≥ 0, got -3');
    await expect(convertCommand.run([join(fixtures, 'single_tree.cbm'), '--oops'])).rejects.toThrow(UsageError);
  });
});
