// Compiling the engine's compute pipelines (asynchronously, so the app can do it while the data
// loads). Both kernel families share one bind-group shape:
//   0 X · 1 Y · 2 ROWS · 3 PLAN (read-only storage) · 4 STATE · 5 OUT (read-write storage)
//   6 SPAN (uniform, dynamic offset: which steps a dispatch runs) · 7 SCRATCH ('any' kernel only)
import smallSource from '../../shaders/train_small.wgsl?raw'
import anySource from '../../shaders/train_any.wgsl?raw'

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

/** Distance between two dispatches' SPAN uniforms (minUniformBufferOffsetAlignment ≤ 256). */
export const SPAN_STRIDE = 256

export class EngineSetupError extends Error {
  override name = 'EngineSetupError'
}

function bindGroupLayout(device: GPUDevice, withScratch: boolean): GPUBindGroupLayout {
  const ro = { type: 'read-only-storage' } as const
  const rw = { type: 'storage' } as const
  const C = GPUShaderStage.COMPUTE
  const entries: GPUBindGroupLayoutEntry[] = [
    { binding: 0, visibility: C, buffer: ro },
    { binding: 1, visibility: C, buffer: ro },
    { binding: 2, visibility: C, buffer: ro },
    { binding: 3, visibility: C, buffer: ro },
    { binding: 4, visibility: C, buffer: rw },
    { binding: 5, visibility: C, buffer: rw },
    { binding: 6, visibility: C, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: 8 } },
  ]
  if (withScratch) entries.push({ binding: 7, visibility: C, buffer: rw })
  return device.createBindGroupLayout({ label: withScratch ? 'engine any' : 'engine small', entries })
}

async function compile(
  device: GPUDevice,
  label: string,
  code: string,
  layout: GPUBindGroupLayout,
  entries: string[],
  wg: number,
): Promise<GPUComputePipeline[]> {
  const module = device.createShaderModule({ label, code })
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] })
  try {
    return await Promise.all(
      entries.map((entryPoint) =>
        device.createComputePipelineAsync({
          label: `${label}.${entryPoint}`,
          layout: pipelineLayout,
          compute: { module, entryPoint, constants: { WG: wg } },
        }),
      ),
    )
  } catch (e) {
    const info = await module.getCompilationInfo()
    const msgs = info.messages.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')
    throw new EngineSetupError(`compiling ${label} failed: ${(e as Error).message}${msgs ? ` (${msgs})` : ''}`)
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
  const anyLayout = bindGroupLayout(device, true)
  const anyP = compile(device, 'train_any', anySource, anyLayout, ['train', 'validate', 'predict'], anyWg)

  let smallP: Promise<GPUComputePipeline[]> | null = null
  let smallWg = 0
  const smallLayout = bindGroupLayout(device, false)
  if (!opts.disableSmall && device.features.has('subgroups')) {
    smallWg = opts.smallWorkgroup ?? subgroupMinSize(device) ?? 0
    if (smallWg > 0 && smallWg <= maxInv) smallP = compile(device, 'train_small', smallSource, smallLayout, ['train', 'validate'], smallWg)
  }
  const [train, validate, predict] = await anyP
  const small = smallP ? await smallP : null
  return {
    small: small ? { train: small[0], validate: small[1], layout: smallLayout, wg: smallWg } : null,
    any: { train, validate, predict, layout: anyLayout, wg: anyWg },
  }
}
