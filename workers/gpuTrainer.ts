// The WGSL engine, when this browser gives us a WebGPU device (src/engine); otherwise the
// plain reason, which the worker shows next to its CPU fallback.
import { GpuTrainer, requestGpu } from '../src/engine/index.ts'
import type { Trainer } from '../src/model/trainer.ts'

export async function gpuTrainer(): Promise<{ trainer: Trainer } | { reason: string }> {
  const gpu = await requestGpu()
  if (!gpu.ok) return { reason: gpu.reason }
  try {
    // compiles the pipelines now, so they are ready by the time the data is
    return { trainer: await GpuTrainer.create(gpu.device, gpu.adapter) }
  } catch (e) {
    gpu.device.destroy()
    return { reason: `the GPU engine could not start (${e instanceof Error ? e.message : String(e)})` }
  }
}
