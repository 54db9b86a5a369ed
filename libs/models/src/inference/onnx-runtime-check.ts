import { errorMessage } from '@props/contracts';
import { listSupportedBackends } from 'onnxruntime-node';
import { encodeTreeEnsembleOnnx } from '../conversion/onnx-tree-ensemble';
import { OnnxThread } from './onnx-thread';

type CheckResult = { status: 'ok' | 'failed'; detail: string };

/**
 * Proves the native ONNX Runtime binding loads in this image (the slim-base-image incident class).
 * Shaped as a service-runtime ReadinessCheck.
 */
export const onnxRuntimeCheck = {
  name: 'onnxruntime-node',
  buildTime: true,
  run(): CheckResult {
    const cpu = listSupportedBackends().find((backend) => backend.name === 'cpu');
    return cpu
      ? { status: 'ok', detail: `cpu backend ${cpu.bundled ? 'bundled' : 'available'}` }
      : { status: 'failed', detail: 'the cpu execution provider is not available' };
  },
};

const CHECK_VALUE = 21.5;

/** A one-leaf model that predicts CHECK_VALUE for any row of one feature. */
const constantModel = () =>
  encodeTreeEnsembleOnnx(
    {
      featureCount: 1,
      featureNames: ['x'],
      baseValue: CHECK_VALUE,
      trees: [[{ kind: 'leaf', value: 0 }]],
      source: { format: 'catboost-cbm', note: 'the build check' },
    },
    { modelVersion: 1, metadata: {} },
  );

/**
 * Proves the ONNX thread (the backfill's sessions) starts where this bundle runs, finds the binding
 * and scores: the thread resolves and requires the package at run time, which the bundler does not
 * check.
 */
export const onnxThreadCheck = {
  name: 'onnx thread',
  buildTime: true,
  async run(): Promise<CheckResult> {
    let thread: OnnxThread | null = null;
    try {
      thread = new OnnxThread();
      const scored = await (await thread.load(constantModel(), 1)).predict([[0]]);
      return scored.length === 1 && scored[0] === CHECK_VALUE
        ? { status: 'ok', detail: 'a session on a worker thread scores' }
        : {
            status: 'failed',
            detail: `a session on a worker thread scored ${JSON.stringify(scored)}, not [${CHECK_VALUE}]`,
          };
    } catch (error) {
      return { status: 'failed', detail: errorMessage(error) };
    } finally {
      await thread?.close();
    }
  },
};
