import { listSupportedBackends } from 'onnxruntime-node';

/**
 * Proves the native ONNX Runtime binding loads in this image (the slim-base-image incident class).
 * Shaped as a service-runtime ReadinessCheck.
 */
export const onnxRuntimeCheck = {
  name: 'onnxruntime-node',
  buildTime: true,
  run(): { status: 'ok' | 'failed'; detail: string } {
    const cpu = listSupportedBackends().find((backend) => backend.name === 'cpu');
    return cpu
      ? { status: 'ok', detail: `cpu backend ${cpu.bundled ? 'bundled' : 'available'}` }
      : { status: 'failed', detail: 'the cpu execution provider is not available' };
  },
};
