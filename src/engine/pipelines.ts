// Compiling the engine's compute pipelines (asynchronously, so the app can do it while the data
// loads). Each kernel module is its .wgsl file behind the prelude generated from abi.ts, and its
// bind-group layout comes from the same declaration.
import smallSource from '../../shaders/train_small.wgsl?raw'
import anySource from '../../shaders/train_any.wgsl?raw'
import commonSource from '../../shaders/mlp_common.wgsl?raw'
import tiledSource from '../../shaders/train_tiled.wgsl?raw'
import { bindGroupLayoutEntries, kernelSource, type KernelName } from './abi.ts'
import { EngineSetupError } from './errors.ts'
import { isSoftwareAdapter } from './device.ts'

export interface KernelPipelines {
  train: GPUComputePipeline
  validate: GPUComputePipeline
  layout: GPUBindGroupLayout
  /** invocations per workgroup */
  wg: number
}

/** The tiled kernel's pipelines and the workgroup memory it was compiled for. */
export interface TiledPipelines extends KernelPipelines {
  /** vec4 of workgroup memory for one model's parameters and a tile of samples */
  wgmVec4: number
}

export interface EnginePipelines {
  /** the unrolled kernel for models up to 8→16→8→1; null without subgroups */
  small: KernelPipelines | null
  /** the generic kernel shaped for software adapters; also prediction, and models too big for 'tiled' */
  any: KernelPipelines & { predict: GPUComputePipeline }
  /** the generic kernel shaped for GPUs (parameters in workgroup memory); null on software adapters */
  tiled: TiledPipelines | null
}

/** Which generic kernel trains the models the small kernel cannot: by the adapter, or forced. */
export type GenericKernel = 'auto' | 'any' | 'tiled'

export interface PipelineOptions {
  /** invocations per workgroup of the small kernel (default: the adapter's smallest subgroup size) */
  smallWorkgroup?: number
  /** invocations per workgroup of the 'any' kernel */
  anyWorkgroup?: number
  /** invocations per workgroup of the 'tiled' kernel */
  tiledWorkgroup?: number
  /** 'auto' (default): 'tiled' on GPUs, 'any' on software adapters; tests force either */
  generic?: GenericKernel
  /** never use the small kernel (for tests comparing the kernels) */
  disableSmall?: boolean
}

const KERNEL_FILES: Record<KernelName, readonly string[]> = {
  small: [smallSource],
  any: [commonSource, anySource],
  tiled: [commonSource, tiledSource],
}

function bindGroupLayout(device: GPUDevice, kernel: KernelName): GPUBindGroupLayout {
  return device.createBindGroupLayout({ label: `engine ${kernel}`, entries: bindGroupLayoutEntries(kernel, GPUShaderStage.COMPUTE) })
}

interface CompileRequest {
  kernel: KernelName
  layout: GPUBindGroupLayout
  entries: string[]
  /** override constants: WG and any the kernel has */
  constants: Record<string, number>
}

async function compile(device: GPUDevice, req: CompileRequest): Promise<GPUComputePipeline[]> {
  const { kernel: label, layout, entries, constants } = req
  const module = device.createShaderModule({ label: `train_${label}`, code: kernelSource(label, KERNEL_FILES[label]) })
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] })
  try {
    return await Promise.all(
      entries.map((entryPoint) =>
        device.createComputePipelineAsync({
          label: `train_${label}.${entryPoint}`,
          layout: pipelineLayout,
          compute: { module, entryPoint, constants },
        }),
      ),
    )
  } catch (e) {
    const info = await module.getCompilationInfo()
    const msgs = info.messages.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')
    throw new EngineSetupError(`compiling train_${label} failed: ${(e as Error).message}${msgs ? ` (${msgs})` : ''}`)
  }
}

/** The smallest subgroup size the device's adapter reports, if any. */
export function subgroupMinSize(device: GPUDevice): number | null {
  const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo as
    | (GPUAdapterInfo & { subgroupMinSize?: number })
    | undefined
  const n = info?.subgroupMinSize
  return typeof n === 'number' && n > 0 ? n : null
}

/** True on a CPU-emulated adapter (SwiftShader or any fallback adapter). */
export function isSoftware(device: GPUDevice): boolean {
  const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo
  return isSoftwareAdapter(info)
}

const cache = new WeakMap<GPUDevice, Map<string, Promise<EnginePipelines>>>()

/** The engine's pipelines for `device` (compiled once per device and options, then shared). */
export function compilePipelines(device: GPUDevice, opts: PipelineOptions = {}): Promise<EnginePipelines> {
  const key = JSON.stringify([opts.smallWorkgroup, opts.anyWorkgroup, opts.tiledWorkgroup, opts.generic, opts.disableSmall])
  let perDevice = cache.get(device)
  if (!perDevice) cache.set(device, (perDevice = new Map()))
  let p = perDevice.get(key)
  if (!p) {
    p = compileNow(device, opts)
    perDevice.set(key, p)
    p.catch(() => perDevice.delete(key)) // a failed compile may be retried
  }
  return p
}

/**
 * Workgroup memory (vec4) the tiled kernel gets for parameters and a tile of samples: the device's
 * limit, less its other workgroup arrays (ERR and validation's SSE: one f32 per lane each).
 */
export function tiledWorkgroupVec4(device: GPUDevice, wg: number): number {
  return Math.floor((device.limits.maxComputeWorkgroupStorageSize - 8 * wg) / 16)
}

async function compileNow(device: GPUDevice, opts: PipelineOptions): Promise<EnginePipelines> {
  const maxInv = device.limits.maxComputeInvocationsPerWorkgroup
  const software = isSoftware(device)
  // SwiftShader runs a workgroup on one CPU core, 4 lanes at a time: more lanes only add barrier
  // cost. GPUs want enough lanes per workgroup to hide latency.
  const anyWg = Math.min(opts.anyWorkgroup ?? (software ? 4 : 64), maxInv)
  const anyLayout = bindGroupLayout(device, 'any')
  const anyP = compile(device, { kernel: 'any', layout: anyLayout, entries: ['train', 'validate', 'predict'], constants: { WG: anyWg } })

  const generic = opts.generic ?? 'auto'
  const useTiled = generic === 'tiled' || (generic === 'auto' && !software)
  const tiledWg = Math.min(opts.tiledWorkgroup ?? 64, maxInv)
  const wgmVec4 = tiledWorkgroupVec4(device, tiledWg)
  const tiledLayout = bindGroupLayout(device, 'tiled')
  const tiledP = useTiled
    ? compile(device, { kernel: 'tiled', layout: tiledLayout, entries: ['train', 'validate'], constants: { WG: tiledWg, WGM_VEC4: wgmVec4 } })
    : null

  let smallP: Promise<GPUComputePipeline[]> | null = null
  let smallWg = 0
  const smallLayout = bindGroupLayout(device, 'small')
  if (!opts.disableSmall && device.features.has('subgroups')) {
    smallWg = opts.smallWorkgroup ?? subgroupMinSize(device) ?? 0
    if (smallWg > 0 && smallWg <= maxInv)
      smallP = compile(device, { kernel: 'small', layout: smallLayout, entries: ['train', 'validate'], constants: { WG: smallWg } })
  }
  const [train, validate, predict] = await anyP
  const small = smallP ? await smallP : null
  const tiled = tiledP ? await tiledP : null
  return {
    small: small ? { train: small[0], validate: small[1], layout: smallLayout, wg: smallWg } : null,
    any: { train, validate, predict, layout: anyLayout, wg: anyWg },
    tiled: tiled ? { train: tiled[0], validate: tiled[1], layout: tiledLayout, wg: tiledWg, wgmVec4 } : null,
  }
}
