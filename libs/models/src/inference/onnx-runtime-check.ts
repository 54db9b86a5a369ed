import { errorMessage } from '@props/contracts';
import { listSupportedBackends } from 'onnxruntime-node';
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

/**
 * Proves the ONNX thread (the backfill's sessions) finds and loads the binding from where this
 * bundle runs: the thread resolves the package at run time, which the bundler does not check.
 */
export const onnxThreadCheck = {
  name: 'onnx thread',
  buildTime: true,
  async run(): Promise<CheckResult> {
    const thread = new OnnxThread();
    try {
      const backends = await thread.backends();
      return backends.includes('cpu')
        ? { status: 'ok', detail: 'onnxruntime-node loads on a worker thread' }
        : { status: 'failed', detail: `the thread's backends lack cpu: ${backends.join(', ')}` };
    } catch (error) {
      return { status: 'failed', detail: errorMessage(error) };
    } finally {
      await thread.close();
    }
  },
};
