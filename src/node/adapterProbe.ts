// What WebGPU adapter headless Chromium offers, asked on an empty page Playwright serves itself at
// http://localhost/ (a secure context, which navigator.gpu needs; about:blank has none): no build,
// no preview server, no engine pipelines — the cheap question --device auto asks before it decides. Chromium missing is a reason, not an error; other failures throw.
import { describeAdapter, isSoftwareAdapter } from '../engine/device.ts'
import type { GpuProbe } from '../experiment/engineChoice.ts'
import { chromiumArgs, chromiumPath, hasChromium } from './chromium.ts'
import { playwright } from './onDemand.ts'

const PROBE_URL = 'http://localhost/adapter-probe.html'

export async function probeAdapter(): Promise<GpuProbe> {
  if (!hasChromium())
    return { ok: false, reason: `Chromium not found at ${chromiumPath()}: install it with "apt-get install -y chromium" or set CHROMIUM_PATH` }
  const browser = await playwright().chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs() })
  try {
    const page = await browser.newPage()
    await page.route(PROBE_URL, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>adapter probe</title>' }))
    await page.goto(PROBE_URL)
    const info = await page.evaluate(async () => {
      const gpu = (navigator as Navigator & { gpu?: GPU }).gpu
      if (!gpu) return 'this page has no navigator.gpu'
      const a = await gpu.requestAdapter({ powerPreference: 'high-performance' })
      if (!a) return null
      return { vendor: a.info.vendor, architecture: a.info.architecture, description: a.info.description, device: a.info.device, isFallbackAdapter: (a.info as { isFallbackAdapter?: boolean }).isFallbackAdapter }
    })
    if (typeof info === 'string') return { ok: false, reason: `headless Chromium: ${info}` }
    if (!info) return { ok: false, reason: 'headless Chromium offers no WebGPU adapter' }
    const gi = info as unknown as GPUAdapterInfo
    return { ok: true, software: isSoftwareAdapter(gi), adapter: describeAdapter(gi) }
  } finally {
    await browser.close()
  }
}
