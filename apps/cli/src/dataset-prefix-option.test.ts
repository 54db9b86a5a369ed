import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-command';
import { datasetPrefixOption } from './dataset-prefix-option';

describe('datasetPrefixOption', () => {
  it('passes a valid prefix (none included) and refuses a bad one as a usage error naming the option', () => {
    expect(datasetPrefixOption('ci_2')).toBe('ci_2');
    expect(datasetPrefixOption('')).toBe('');
    expect(() => datasetPrefixOption('ci-2')).toThrow(UsageError);
    expect(() => datasetPrefixOption('ci-2')).toThrow(
      '--dataset-prefix: dataset_prefix: expected letters, digits and underscores only (at most 64), got "ci-2"',
    );
    expect(() => datasetPrefixOption('x; DROP TABLE', '--original-prefix')).toThrow(
      /^--original-prefix: dataset_prefix: /,
    );
  });
});
