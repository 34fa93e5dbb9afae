// The WGSL engine, when this browser gives us a WebGPU device (see src/engine/index.ts).
import type { Trainer } from '../src/model/trainer.ts'

export async function gpuTrainer(): Promise<{ trainer: Trainer } | { reason: string }> {
  if (!('gpu' in navigator) || !navigator.gpu) return { reason: 'this browser has no navigator.gpu' }
  // Pending: src/engine (the GPU trainer) has not landed yet; switch to requestGpu + GpuTrainer.create then.
  return { reason: 'the WGSL engine is not part of this build yet' }
}
