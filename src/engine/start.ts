// The WGSL engine ready to train, when this browser gives us a WebGPU device; otherwise the plain
// reason, which callers show next to their CPU fallback. Used by the train worker and the page API.
import { requestGpu } from './device.ts'
import { GpuTrainer } from './gpuTrainer.ts'

export async function gpuTrainer(): Promise<{ trainer: GpuTrainer } | { reason: string }> {
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
