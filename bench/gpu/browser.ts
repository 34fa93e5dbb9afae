// Headless Chromium on the machine's real GPU: the same built page API page as the other
// benchmarks (src/node/browser.ts), launched with the flags that make Chromium use the GPU
// (Vulkan through ANGLE) instead of SwiftShader. GPU_CHROMIUM_ARGS (space-separated) replaces them.
import { chromium } from '@playwright/test'
import { preview } from 'vite'
import { chromiumPath, hasChromium } from '../../src/node/chromium.ts'
import { ensureBuilt, NoChromiumError, ROOT, type PageApiSession } from '../../src/node/browser.ts'

/** Chromium flags for WebGPU on a real GPU, headless, on Linux. */
export function realGpuArgs(): string[] {
  const fromEnv = process.env.GPU_CHROMIUM_ARGS
  if (fromEnv) return fromEnv.split(/\s+/).filter(Boolean)
  const args = [
    '--enable-unsafe-webgpu',
    '--ignore-gpu-blocklist',
    '--enable-features=Vulkan',
    '--use-angle=vulkan',
    '--disable-vulkan-surface',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ]
  if (process.getuid?.() === 0) args.unshift('--no-sandbox')
  return args
}

export async function openGpuHarness(opts: { outDir?: string; onConsole?: (line: string) => void } = {}): Promise<PageApiSession & { args: string[] }> {
  if (!hasChromium()) throw new NoChromiumError(`Chromium not found at ${chromiumPath()}: install it or set CHROMIUM_PATH`)
  const outDir = await ensureBuilt({ outDir: opts.outDir })
  const server = await preview({
    root: ROOT,
    logLevel: 'silent',
    build: { outDir },
    preview: { port: 0, strictPort: false, host: '127.0.0.1', open: false },
  })
  const url = server.resolvedUrls?.local[0]
  if (!url) throw new Error('vite preview did not report a URL')
  const args = realGpuArgs()
  // Playwright would add --enable-unsafe-swiftshader: leave it out, so a missing GPU shows as no adapter
  // or a software one, never as a silent fallback.
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args,
    headless: true,
    ignoreDefaultArgs: ['--enable-unsafe-swiftshader'],
  })
  const page = await browser.newPage()
  if (opts.onConsole) page.on('console', (m) => opts.onConsole!(`[browser ${m.type()}] ${m.text()}`))
  await page.goto(new URL('pageApi.html', url).href)
  await page.waitForFunction(() => (window as unknown as { lab?: { ready?: boolean } }).lab?.ready === true)
  return {
    page,
    browser,
    url,
    args,
    async close() {
      await browser.close()
      await server.close()
    },
  }
}
