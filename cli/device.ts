// --device: gpu = the WGSL engine in headless Chromium (ChromiumTrainer), cpu = the CPU reference
// trainer in this process, auto = gpu when it starts, else cpu with a notice. With gpu, a missing
// Chromium or adapter is an error that says how to get one; falling back is only done when asked.
import { CpuTrainer } from '../src/model/trainCpu.ts'
import type { Trainer } from '../src/model/contract.ts'
import { NoChromiumError } from '../src/node/browser.ts'
import { ChromiumTrainer, GpuUnavailableError } from '../src/node/chromiumTrainer.ts'
import { DeviceError } from './errors.ts'
import type { Progress } from './progress.ts'

export const DEVICES = ['gpu', 'cpu', 'auto'] as const
export type Device = (typeof DEVICES)[number]

export interface OpenedTrainer {
  trainer: Trainer
  /** start-up cost, for the summary line */
  startupMs: number
  close(): Promise<void>
}

const HOW_TO_GET_A_GPU =
  'install Debian\'s Chromium ("apt-get install -y chromium", or set CHROMIUM_PATH to a Chromium/Chrome binary); ' +
  'WebGPU then runs on its SwiftShader adapter even without a GPU. Or pass --device cpu (CPU reference trainer) ' +
  'or --device auto (GPU when available, else CPU)'

async function openGpu(progress: Progress): Promise<OpenedTrainer> {
  const t0 = performance.now()
  const debug = process.env.VMAF_TINY_LAB_DEBUG ? (l: string) => progress.line(l) : undefined
  const t = await ChromiumTrainer.open({ onStatus: (m) => progress.line(m), onConsole: debug })
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`
  const { buildMs, browserMs, gpuMs } = t.startup
  progress.line(`${t.description} ready in ${s(performance.now() - t0)} (harness build check ${s(buildMs)}, Chromium + page ${s(browserMs)}, WebGPU device + engine pipelines ${s(gpuMs)})`)
  return { trainer: t, startupMs: performance.now() - t0, close: () => t.close() }
}

function cpu(): OpenedTrainer {
  const t = new CpuTrainer()
  return { trainer: t, startupMs: 0, close: async () => t.dispose() }
}

export async function openTrainer(device: Device, progress: Progress): Promise<OpenedTrainer> {
  if (device === 'cpu') return cpu()
  try {
    return await openGpu(progress)
  } catch (e) {
    const noGpu = e instanceof NoChromiumError || e instanceof GpuUnavailableError
    if (!noGpu) throw e
    if (device === 'auto') {
      progress.warn(`${(e as Error).message}; training on the CPU reference instead (--device auto)`)
      return cpu()
    }
    throw new DeviceError(`--device gpu: ${(e as Error).message}. To get one: ${HOW_TO_GET_A_GPU}`)
  }
}
