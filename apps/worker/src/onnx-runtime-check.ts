import { listSupportedBackends } from 'onnxruntime-node';
import type { ReadinessCheck } from '@props/service-runtime';

/** Proves the native ONNX Runtime binding loads in this image (the slim-base-image incident class). */
export const onnxRuntimeCheck: ReadinessCheck = {
  name: 'onnxruntime-node',
  run() {
    const cpu = listSupportedBackends().find((backend) => backend.name === 'cpu');
    return cpu
      ? { status: 'ok', detail: `cpu backend ${cpu.bundled ? 'bundled' : 'available'}` }
      : { status: 'failed', detail: 'the cpu execution provider is not available' };
  },
};
