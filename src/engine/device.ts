// Getting a WebGPU device: in the app from a worker's navigator.gpu, in tests/bench/CLI from headless
// Chromium's. We ask for the adapter's own limits (not the defaults) where the engine can use
// them: bigger storage buffers hold bigger data sets, and the tiled kernel sizes its workgroup
// memory (a model's parameters plus a tile of samples) from maxComputeWorkgroupStorageSize. The
// kernels need no more than the default limits (≤ 256 invocations, 8 storage buffers), so they
// also run on a compatibility-mode device.

export type GpuRequest = { ok: true; device: GPUDevice; adapter: string } | { ok: false; reason: string }

const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
] as const

/** "vendor / architecture (description)", with a note for software adapters. */
export function describeAdapter(info: GPUAdapterInfo | undefined, fallback = false): string {
  if (!info) return 'WebGPU adapter'
  const parts = [info.vendor, info.architecture].filter((s) => s && s.length > 0)
  let s = parts.length > 0 ? parts.join(' / ') : 'WebGPU adapter'
  if (info.description) s += ` (${info.description})`
  if (fallback || (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter) s += ' [software fallback]'
  return s
}

export async function requestGpu(opts: { powerPreference?: GPUPowerPreference } = {}): Promise<GpuRequest> {
  const gpu = (globalThis as { navigator?: Navigator }).navigator?.gpu
  if (!gpu) return { ok: false, reason: 'this browser has no WebGPU (navigator.gpu is missing)' }
  let adapter: GPUAdapter | null
  try {
    adapter = await gpu.requestAdapter({ powerPreference: opts.powerPreference ?? 'high-performance' })
  } catch (e) {
    return { ok: false, reason: `requesting a WebGPU adapter failed: ${(e as Error).message}` }
  }
  if (!adapter) return { ok: false, reason: 'WebGPU is present but offers no GPU adapter (disabled, blocklisted or no driver)' }
  const requiredLimits: Record<string, number> = {}
  for (const k of WANTED_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number | undefined>)[k]
    if (typeof v === 'number') requiredLimits[k] = v
  }
  const requiredFeatures: GPUFeatureName[] = adapter.features.has('subgroups') ? ['subgroups' as GPUFeatureName] : []
  try {
    const device = await adapter.requestDevice({ requiredFeatures, requiredLimits })
    return { ok: true, device, adapter: describeAdapter(adapter.info) }
  } catch (e) {
    return { ok: false, reason: `the WebGPU adapter refused a device: ${(e as Error).message}` }
  }
}

/** True for SwiftShader or any fallback adapter: a CPU emulating a GPU. */
export function isSoftwareAdapter(info: GPUAdapterInfo | undefined): boolean {
  return info?.architecture === 'swiftshader' || (info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter === true
}

/**
 * What the auto engine choice needs before anything compiles: is there an adapter, and is it a
 * software one. Asks for the adapter only (no device, no pipelines).
 */
export async function probeGpu(): Promise<{ ok: true; software: boolean; adapter: string } | { ok: false; reason: string }> {
  const gpu = (globalThis as { navigator?: Navigator }).navigator?.gpu
  if (!gpu) return { ok: false, reason: 'this browser has no WebGPU (navigator.gpu is missing)' }
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' })
    if (!adapter) return { ok: false, reason: 'WebGPU is present but offers no GPU adapter (disabled, blocklisted or no driver)' }
    return { ok: true, software: isSoftwareAdapter(adapter.info), adapter: describeAdapter(adapter.info) }
  } catch (e) {
    return { ok: false, reason: `requesting a WebGPU adapter failed: ${(e as Error).message}` }
  }
}
