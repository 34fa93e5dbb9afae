// Compiling the engine's compute pipelines (asynchronously, so the app can do it while the data
// loads). Each kernel module is its .wgsl file behind the prelude generated from abi.ts, and its
// bind-group layout comes from the same declaration.
import smallSource from '../../shaders/train_small.wgsl?raw'
import anySource from '../../shaders/train_any.wgsl?raw'
import { bindGroupLayoutEntries, kernelSource, type KernelName } from './abi.ts'
import { EngineSetupError } from './errors.ts'

export interface KernelPipelines {
  train: GPUComputePipeline
  validate: GPUComputePipeline
  layout: GPUBindGroupLayout
  /** invocations per workgroup */
  wg: number
}

export interface EnginePipelines {
  /** the unrolled kernel for models up to 8→16→8→1; null without subgroups */
  small: KernelPipelines | null
  any: KernelPipelines & { predict: GPUComputePipeline }
}

export interface PipelineOptions {
  /** invocations per workgroup of the small kernel (default: the adapter's smallest subgroup size) */
  smallWorkgroup?: number
  /** invocations per workgroup of the 'any' kernel */
  anyWorkgroup?: number
  /** never use the small kernel (for tests comparing the two) */
  disableSmall?: boolean
}

function bindGroupLayout(device: GPUDevice, kernel: KernelName): GPUBindGroupLayout {
  return device.createBindGroupLayout({ label: `engine ${kernel}`, entries: bindGroupLayoutEntries(kernel, GPUShaderStage.COMPUTE) })
}

async function compile(
  device: GPUDevice,
  label: KernelName,
  source: string,
  layout: GPUBindGroupLayout,
  entries: string[],
  wg: number,
): Promise<GPUComputePipeline[]> {
  const module = device.createShaderModule({ label: `train_${label}`, code: kernelSource(label, source) })
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] })
  try {
    return await Promise.all(
      entries.map((entryPoint) =>
        device.createComputePipelineAsync({
          label: `train_${label}.${entryPoint}`,
          layout: pipelineLayout,
          compute: { module, entryPoint, constants: { WG: wg } },
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
  return info?.architecture === 'swiftshader' || (info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter === true
}

const cache = new WeakMap<GPUDevice, Map<string, Promise<EnginePipelines>>>()

/** The engine's pipelines for `device` (compiled once per device and options, then shared). */
export function compilePipelines(device: GPUDevice, opts: PipelineOptions = {}): Promise<EnginePipelines> {
  const key = JSON.stringify([opts.smallWorkgroup, opts.anyWorkgroup, opts.disableSmall])
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

async function compileNow(device: GPUDevice, opts: PipelineOptions): Promise<EnginePipelines> {
  const maxInv = device.limits.maxComputeInvocationsPerWorkgroup
  // SwiftShader runs a workgroup on one CPU core, 4 lanes at a time: more lanes only add barrier
  // cost. GPUs want enough lanes per workgroup to hide latency in phase A.
  const anyWg = Math.min(opts.anyWorkgroup ?? (isSoftware(device) ? 4 : 64), maxInv)
  const anyLayout = bindGroupLayout(device, 'any')
  const anyP = compile(device, 'any', anySource, anyLayout, ['train', 'validate', 'predict'], anyWg)

  let smallP: Promise<GPUComputePipeline[]> | null = null
  let smallWg = 0
  const smallLayout = bindGroupLayout(device, 'small')
  if (!opts.disableSmall && device.features.has('subgroups')) {
    smallWg = opts.smallWorkgroup ?? subgroupMinSize(device) ?? 0
    if (smallWg > 0 && smallWg <= maxInv) smallP = compile(device, 'small', smallSource, smallLayout, ['train', 'validate'], smallWg)
  }
  const [train, validate, predict] = await anyP
  const small = smallP ? await smallP : null
  return {
    small: small ? { train: small[0], validate: small[1], layout: smallLayout, wg: smallWg } : null,
    any: { train, validate, predict, layout: anyLayout, wg: anyWg },
  }
}
