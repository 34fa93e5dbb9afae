// The WGSL training engine: platform-neutral (it receives a GPUDevice and never touches the DOM).
// See src/engine/README.md for the design and the measured speed; abi.ts for the kernels' interface.
export { requestGpu, describeAdapter, probeGpu, isSoftwareAdapter, type GpuRequest } from './device.ts'
export { GpuTrainer, type GpuTrainerOptions } from './gpuTrainer.ts'
export { kernelFor, tiledSamples } from './kernelChoice.ts'
export { gpuPredict } from './predict.ts'
export { gpuTrainer } from './start.ts'
export { engineMemory, enginePeakBytes } from './buffers.ts'
export { columnBlocks, type RowBlock, type RowBlockSource } from './upload.ts'
export { compilePipelines, type EnginePipelines, type PipelineOptions } from './pipelines.ts'
export { EngineError, EngineSetupError } from './errors.ts'
export { fitsSmall, SMALL_SHAPE } from './layout.ts'
