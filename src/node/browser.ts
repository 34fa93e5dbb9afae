// Opens the built page API page (dist/pageApi.html) in headless Chromium with WebGPU, for the
// benchmarks and the CLI: the GPU work runs in the browser, the caller stays in Node.
// The page is served by Vite's preview server, so headers (COOP/COEP) match the app's.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Browser, Page } from '@playwright/test'
import type { PreviewServer } from 'vite'
import { chromiumArgs, chromiumPath, hasChromium } from './chromium.ts'
import { describeChromiumExits } from './chromiumLog.ts'
import { playwright, vite } from './onDemand.ts'
import { ROOT } from './repoRoot.ts'


export interface PageApiSession {
  page: Page
  browser: Browser
  url: string
  /**
   * What Chromium's own log says about its GPU process crashes and its end (chromiumLog.ts), or
   * null when it records none: add it to the error when a page call fails.
   */
  exitCause(): string | null
  close(): Promise<void>
}

/** Bytes of the log's end that exitCause reads: the lines of a browser's last moments. */
const LOG_TAIL = 256 << 10

function logTail(path: string): string {
  try {
    const text = readFileSync(path, 'latin1')
    return text.length > LOG_TAIL ? text.slice(-LOG_TAIL) : text
  } catch {
    return ''
  }
}

export class NoChromiumError extends Error {
  override name = 'NoChromiumError'
}

/** Build dist/ when it is missing (or when `rebuild` is set). */
export async function ensureBuilt(opts: { outDir?: string; rebuild?: boolean } = {}): Promise<string> {
  const outDir = resolve(ROOT, opts.outDir ?? 'dist')
  if (opts.rebuild || !existsSync(resolve(outDir, 'pageApi.html'))) {
    await vite().build({ root: ROOT, logLevel: 'warn', build: { outDir, emptyOutDir: true } })
  }
  return outDir
}

/** How Chromium is launched: default the flags of chromium.ts (WebGPU, SwiftShader when there is no GPU). */
export interface ChromiumLaunch {
  args: string[]
  /** Playwright default flags to leave out */
  ignoreDefaultArgs?: string[]
}

export async function openPageApi(
  opts: { outDir?: string; rebuild?: boolean; onConsole?: (line: string) => void; launch?: ChromiumLaunch } = {},
): Promise<PageApiSession> {
  if (!hasChromium())
    throw new NoChromiumError(
      `Chromium not found at ${chromiumPath()}: install it with "apt-get install -y chromium" or set CHROMIUM_PATH`,
    )
  const outDir = await ensureBuilt(opts)
  const server: PreviewServer = await vite().preview({
    root: ROOT,
    logLevel: 'silent',
    build: { outDir },
    preview: { port: 0, strictPort: false, host: '127.0.0.1', open: false },
  })
  const url = server.resolvedUrls?.local[0]
  if (!url) throw new Error('vite preview did not report a URL')
  const launch = opts.launch ?? { args: chromiumArgs() }
  // Chromium's log goes to a file of this session's (its GPU process exits, a FATAL before it quits)
  const logDir = mkdtempSync(join(tmpdir(), 'vmaf-lab-chromium-'))
  const logFile = join(logDir, 'chromium.log')
  const args = [...launch.args, '--enable-logging', `--log-file=${logFile}`]
  let browser: Browser
  try {
    browser = await playwright().chromium.launch({ executablePath: chromiumPath(), headless: true, ...launch, args })
  } catch (e) {
    // Chromium's own lines go to the file, not to the stderr Playwright quotes: add its last ones
    const last = logTail(logFile).trim().split('\n').slice(-20).join('\n')
    rmSync(logDir, { recursive: true, force: true })
    await server.close()
    if (last && e instanceof Error) e.message += `\nChromium's log:\n${last}`
    throw e
  }
  const page = await browser.newPage()
  if (opts.onConsole) page.on('console', (m) => opts.onConsole!(`[browser ${m.type()}] ${m.text()}`))
  await page.goto(new URL('pageApi.html', url).href)
  await page.waitForFunction(() => (window as unknown as { lab?: { ready?: boolean } }).lab?.ready === true)
  return {
    page,
    browser,
    url,
    exitCause: () => describeChromiumExits(logTail(logFile)),
    async close() {
      try {
        await browser.close()
        await server.close()
      } finally {
        rmSync(logDir, { recursive: true, force: true })
      }
    },
  }
}
