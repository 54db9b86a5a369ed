import { describe, expect, it } from 'vitest';
import { PredictionInputError } from '@props/models';
import type { StagingFor } from '@props/prediction-store';
import { loadWorkerConfig } from '../worker-config';
import { servedPrefixOnly } from './gcp-worker-ports';

// Staging's worker runs with PROPS_DATASET_PREFIX=staging and an identity granted only the
// staging_* datasets: every dataset it names carries the prefix.
const GCP = {
  PROPS_BACKEND: 'gcp',
  GCP_PROJECT_ID: 'props-test',
  PROPS_OIDC_AUDIENCE: 'https://prediction-worker-staging.props',
  PROPS_OIDC_SERVICE_ACCOUNTS: 'pusher@props-test.iam.gserviceaccount.com',
};

describe("the worker's dataset prefix", () => {
  it("names staging's predictions dataset for readiness and rejected messages, production's without a prefix", () => {
    expect(loadWorkerConfig({ ...GCP, PROPS_DATASET_PREFIX: 'staging' }).gcp).toMatchObject({
      predictionsDataset: 'staging_nba_predictions',
      datasetPrefix: 'staging',
    });
    expect(loadWorkerConfig(GCP).gcp).toMatchObject({ predictionsDataset: 'nba_predictions', datasetPrefix: '' });
  });

  it('refuses a prefix that cannot be part of a dataset name, naming the variable', () => {
    expect(() => loadWorkerConfig({ ...GCP, PROPS_DATASET_PREFIX: 'staging-1' })).toThrow(/PROPS_DATASET_PREFIX/);
  });

  it("stages only its own prefix's messages; any other is a message that can never be processed", () => {
    const opened: string[] = [];
    const staging: StagingFor = (prefix) => {
      opened.push(prefix);
      return { write: async () => undefined } as unknown as ReturnType<StagingFor>;
    };
    const served = servedPrefixOnly(staging, 'staging');
    served('staging');
    expect(() => served('')).toThrow(PredictionInputError);
    expect(() => served('ci')).toThrow(
      'dataset_prefix: this worker stages batches of "staging" only (PROPS_DATASET_PREFIX), not of "ci"',
    );
    expect(opened).toEqual(['staging']);
    // Production's worker (no prefix) stages any prefix: test batches run there on their own datasets.
    servedPrefixOnly(staging, '')('ci');
    expect(opened).toEqual(['staging', 'ci']);
  });
});
