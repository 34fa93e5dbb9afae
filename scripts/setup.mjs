// Set-up shared by `npm start` and `npm test`: installs what is missing, says plainly what it cannot.
// Plain Node (no dependencies) because it runs before node_modules exists.
import { spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts })
  if (r.error) throw r.error
  return r.status ?? 1
}

function say(msg) {
  process.stderr.write(`[setup] ${msg}\n`)
}

const isRoot = () => process.getuid?.() === 0

/** npm ci when node_modules is missing or older than the lock file. */
export function ensureNodeModules() {
  const lock = resolve(ROOT, 'package-lock.json')
  const marker = resolve(ROOT, 'node_modules/.package-lock.json')
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return
  say('installing npm dependencies (npm ci)…')
  const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', ONNXRUNTIME_NODE_INSTALL: 'skip' }
  if (run('npm', ['ci', '--no-audit', '--no-fund'], { env }) !== 0) {
    say('npm ci failed; see the output above.')
    process.exit(1)
  }
}

let aptUpdated = false
function aptInstall(pkgs) {
  if (!aptUpdated) {
    run('apt-get', ['update', '-qq'])
    aptUpdated = true
  }
  return run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
}

export function chromiumPath() {
  return process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p))
}

/** Debian's Chromium, for WebGPU (SwiftShader) in headless tests. Never a downloaded browser. */
export function ensureChromium() {
  if (chromiumPath()) return true
  if (!isRoot()) {
    say('Chromium is missing. Install it with: sudo apt-get install -y chromium (or set CHROMIUM_PATH).')
    return false
  }
  say('installing Debian chromium (apt-get)…')
  aptInstall(['chromium'])
  return Boolean(chromiumPath())
}

export const SYSTEM_PYTHON = '/usr/bin/python3'

/** `import module` in Debian's python, apt-installing `pkg` when missing (as root); says `without` otherwise. */
function ensurePythonModule(module, pkg, without) {
  const ok = () => existsSync(SYSTEM_PYTHON) && spawnSync(SYSTEM_PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0
  if (ok()) return true
  if (!isRoot()) {
    say(`${pkg} is missing: ${without}. Install: sudo apt-get install -y ${pkg}`)
    return false
  }
  say(`installing Debian ${pkg} (apt-get)…`)
  aptInstall([pkg])
  return ok()
}

/** Debian's python3-onnx, for onnx.checker in the export tests. Optional: tests skip loudly without it. */
export const ensurePythonOnnx = () => ensurePythonModule('onnx', 'python3-onnx', 'the ONNX checker test will be skipped')

/** Debian's python3-jsonschema, for the libvmaf fork's registry gate in the registry export test. */
export const ensurePythonJsonschema = () =>
  ensurePythonModule('jsonschema', 'python3-jsonschema', 'the registry gate test will fail')
