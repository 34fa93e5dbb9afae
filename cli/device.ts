// --device: auto (the default) = whichever of the two engines bench:archs measured faster for the
// run's architectures on this adapter: it asks headless Chromium for the adapter first (an empty
// page: no build, no engine), says which engine and why, and that auto was the default when
// --device was not given; the CPU with a notice when there is no adapter. gpu forces the WGSL engine
// in headless Chromium (ChromiumTrainer), cpu the WebAssembly SIMD trainer on worker_threads
// (src/cpu, one worker per core). With gpu, a missing Chromium or adapter is an error that says how
// to get one.
import { GpuUnavailableError, openTrainer as open, TRAINER_POLICIES, type GpuOpening, type OpenedTrainer, type TrainerPolicy } from '../src/experiment/openTrainer.ts'
import { probeAdapter } from '../src/node/adapterProbe.ts'
import { NoChromiumError } from '../src/node/browser.ts'
import { ChromiumTrainer, GpuUnavailableError as NoAdapterError } from '../src/node/chromiumTrainer.ts'
import { nodeWasmTrainer } from '../src/node/cpuWorkers.ts'
import { DeviceError } from './errors.ts'
import type { Progress } from './progress.ts'

export const DEVICES = TRAINER_POLICIES
export type Device = TrainerPolicy
export type { OpenedTrainer }

const HOW_TO_GET_A_GPU =
  'install Debian\'s Chromium ("apt-get install -y chromium", or set CHROMIUM_PATH to a Chromium/Chrome binary); ' +
  'WebGPU then runs on its SwiftShader adapter even without a GPU. Or pass --device cpu (the WebAssembly CPU trainer) ' +
  'or leave --device out (auto: the engine measured faster here, the CPU when there is no GPU)'

/** The WGSL engine in headless Chromium, or why there is none (other failures throw). */
async function openGpu(progress: Progress): Promise<GpuOpening> {
  const t0 = performance.now()
  const debug = process.env.VMAF_TINY_LAB_DEBUG ? (l: string) => progress.line(l) : undefined
  try {
    const t = await ChromiumTrainer.open({ onStatus: (m) => progress.line(m), onConsole: debug })
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`
    const { buildMs, browserMs, gpuMs } = t.startup
    progress.line(`${t.description} ready in ${s(performance.now() - t0)} (page API build check ${s(buildMs)}, Chromium + page ${s(browserMs)}, WebGPU device + engine pipelines ${s(gpuMs)})`)
    return { trainer: t, close: () => t.close() }
  } catch (e) {
    if (e instanceof NoChromiumError || e instanceof NoAdapterError) return { reason: (e as Error).message }
    throw e
  }
}

/** The --device a run was given, and whether it was the default (not on the command line). */
export interface DeviceSetting {
  device: Device
  deviceDefaulted?: boolean
}

/** How the auto lines name the flag: "--device auto", or "--device auto (the default)". */
export function autoLabel(s: DeviceSetting): string {
  return s.deviceDefaulted ? '--device auto (the default; --device gpu|cpu forces one)' : '--device auto'
}

export async function openTrainer(setting: DeviceSetting, progress: Progress): Promise<OpenedTrainer> {
  const label = autoLabel(setting)
  try {
    const opened = await open(setting.device, {
      openGpu: () => openGpu(progress),
      openCpu: () => nodeWasmTrainer(),
      probeGpu: probeAdapter,
      onChoice: (c) => progress.line(`${label}: ${c.why}`),
    })
    if (opened.fellBack) progress.warn(`${opened.why} (${label})`)
    return opened
  } catch (e) {
    if (e instanceof GpuUnavailableError) throw new DeviceError(`--device gpu: ${e.message}. To get one: ${HOW_TO_GET_A_GPU}`)
    throw e
  }
}
