// Headless Chromium on the machine's real GPU: the same built page API page as the other
// benchmarks (src/node/browser.ts openPageApi), launched with the flags that make Chromium use the
// GPU (Vulkan through ANGLE) instead of SwiftShader. GPU_CHROMIUM_ARGS (space-separated) replaces them.
import { chromiumArgs } from '../../src/node/chromium.ts'
import { openPageApi, type PageApiSession } from '../../src/node/browser.ts'

/** Chromium flags for WebGPU on a real GPU, headless, on Linux: the usual ones plus Vulkan through ANGLE. */
export function realGpuArgs(): string[] {
  const fromEnv = process.env.GPU_CHROMIUM_ARGS
  if (fromEnv) return fromEnv.split(/\s+/).filter(Boolean)
  return [...chromiumArgs(), '--ignore-gpu-blocklist', '--enable-features=Vulkan', '--use-angle=vulkan', '--disable-vulkan-surface']
}

export async function openGpuHarness(opts: { outDir?: string; onConsole?: (line: string) => void } = {}): Promise<PageApiSession & { args: string[] }> {
  const args = realGpuArgs()
  // Playwright would add --enable-unsafe-swiftshader: leave it out, so a missing GPU shows as no adapter
  // or a software one, never as a silent fallback.
  const session = await openPageApi({ ...opts, launch: { args, ignoreDefaultArgs: ['--enable-unsafe-swiftshader'] } })
  return { ...session, args }
}
