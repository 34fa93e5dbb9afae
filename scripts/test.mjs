// `npm test`: set-up, type checks, unit tests (vitest), end-to-end tests (Playwright, headless Chromium + WebGPU).
import { ensureChromium, ensureNodeModules, ensurePythonJsonschema, ensurePythonOnnx, run } from './setup.mjs'

ensureNodeModules()
const haveChromium = ensureChromium()
ensurePythonOnnx()
ensurePythonJsonschema()

const steps = [
  ['type checks', 'npx', ['svelte-check', '--tsconfig', './tsconfig.app.json', '--fail-on-warnings'], true],
  ['type checks (node side)', 'npx', ['tsc', '-p', 'tsconfig.node.json'], true],
  ['unit tests', 'npx', ['vitest', 'run'], true],
  ['end-to-end tests', 'npx', ['playwright', 'test'], haveChromium],
]
for (const [name, cmd, args, possible] of steps) {
  if (!possible) {
    process.stderr.write(`\n[test] cannot run ${name}: Chromium is missing (see above)\n`)
    process.exit(1)
  }
  process.stderr.write(`\n[test] ${name}: ${cmd} ${args.join(' ')}\n`)
  const t0 = Date.now()
  const rc = run(cmd, args, { env: { ...process.env, CI: process.env.CI ?? '1' } })
  process.stderr.write(`[test] ${name}: ${rc === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`)
  if (rc !== 0) process.exit(rc)
}
