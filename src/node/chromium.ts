// Where the system Chromium lives and the flags that give it WebGPU headless (SwiftShader when there is no GPU).
// Shared by Playwright's config, the benchmarks and the CLI so they all run the same browser.
import { existsSync } from 'node:fs'

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']

export function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH
  if (fromEnv) return fromEnv
  return CANDIDATES.find((p) => existsSync(p)) ?? CANDIDATES[0]
}

export function hasChromium(): boolean {
  return existsSync(chromiumPath())
}

export function chromiumArgs(): string[] {
  const args = [
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--enable-unsafe-webgpu',
  ]
  // Chromium refuses to run as root with its sandbox on.
  if (process.getuid?.() === 0) args.unshift('--no-sandbox')
  return args
}
