import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-command';
import { checkedDatasetPrefix, datasetPrefixOption } from './dataset-prefix-option';

const PROBLEM = 'expected letters, digits and underscores only (at most 64), got "ci-2"';

describe('the CLI reading a dataset prefix', () => {
  it('passes a valid prefix (none included) and refuses a bad one as a usage error naming its source', () => {
    expect(checkedDatasetPrefix('ci_2', '--dataset-prefix')).toBe('ci_2');
    expect(checkedDatasetPrefix('', '--dataset-prefix')).toBe('');
    expect(() => checkedDatasetPrefix('ci-2', '--original-prefix')).toThrow(UsageError);
    expect(() => checkedDatasetPrefix('ci-2', '--original-prefix')).toThrow(`--original-prefix: ${PROBLEM}`);
  });

  it('takes --dataset-prefix when given, else PROPS_DATASET_PREFIX, and blames the one the value came from', () => {
    expect(datasetPrefixOption(undefined, {})).toBe('');
    expect(datasetPrefixOption(undefined, { PROPS_DATASET_PREFIX: 'staging' })).toBe('staging');
    expect(datasetPrefixOption('', { PROPS_DATASET_PREFIX: 'staging' })).toBe('');
    expect(() => datasetPrefixOption(undefined, { PROPS_DATASET_PREFIX: 'ci-2' })).toThrow(
      `PROPS_DATASET_PREFIX: ${PROBLEM}`,
    );
    expect(() => datasetPrefixOption('ci-2', { PROPS_DATASET_PREFIX: 'staging' })).toThrow(
      `--dataset-prefix: ${PROBLEM}`,
    );
  });
});
