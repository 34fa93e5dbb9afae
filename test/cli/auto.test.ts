// --device auto (the default) picks the engine per architecture and adapter and says which and why,
// and that it was the default when --device is left out; --device gpu and --device cpu still force one. Headless Chromium's adapter here is SwiftShader (software).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chooseEngine } from '../../src/experiment/engineChoice.ts'
import { hasChromium } from '../../src/node/chromium.ts'
import { sharedPath } from '../helpers/shared.ts'
import { runCli } from './run.ts'

const NFLX = sharedPath('data/nflx_like.parquet')
let tmp: string
beforeAll(() => void (tmp = mkdtempSync(join(tmpdir(), 'cli-auto-'))))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

describe.skipIf(!hasChromium())('--device auto / gpu / cpu (headless Chromium on SwiftShader)', () => {
  it('auto says which engine it picked for mlp_medium and why, and trains there', async () => {
    const r = await runCli(['train', '--netflix', NFLX, '--model-arch', 'mlp_medium', '--epochs', '1', '--device', 'auto', '--out-dir', join(tmp, 'auto'), '--json'], { timeoutMs: 180_000 })
    expect(r.code, r.stderr).toBe(0)
    // the decision the committed table gives for one mlp_medium model on a software adapter
    const rows = 9 * 1200 - 1200 // netflix-source split: one source's 1,200 rows held out
    const expected = chooseEngine({ ok: true, software: true, adapter: '' }, [{ widths: [6, 64, 32, 1], models: 1, samples: rows }])
    expect(expected.why).toMatch(/^mlp_medium on a software adapter: the (CPU trainer|WebGPU engine) is \d+\.\d× faster \(measured .* samples\/s at 1 model, bench\/results\/archs-/)
    expect(r.stderr).toMatch(new RegExp(`--device auto: ${escape(expected.why)}`))
    const device = JSON.parse(r.stdout).models[0].device as string
    if (expected.engine === 'cpu') expect(device).toMatch(/^CPU WebAssembly SIMD \(\d+ workers?\)$/)
    else expect(device).toContain('headless Chromium')
  }, 200_000)

  it('without --device, auto is the default and says so with its choice', async () => {
    const r = await runCli(['train', '--netflix', NFLX, '--model-arch', 'mlp_medium', '--epochs', '1', '--out-dir', join(tmp, 'default'), '--json'], { timeoutMs: 180_000 })
    expect(r.code, r.stderr).toBe(0)
    const expected = chooseEngine({ ok: true, software: true, adapter: '' }, [{ widths: [6, 64, 32, 1], models: 1, samples: 9 * 1200 - 1200 }])
    expect(r.stderr).toMatch(new RegExp(`--device auto \\(the default; --device gpu\\|cpu forces one\\): ${escape(expected.why)}`))
  }, 200_000)

  it('--device gpu trains mlp_medium on the WebGPU engine even where the CPU is faster; --device cpu on the CPU', async () => {
    const [gpu, cpu] = await Promise.all([
      runCli(['train', '--netflix', NFLX, '--model-arch', 'mlp_medium', '--epochs', '1', '--device', 'gpu', '--out-dir', join(tmp, 'gpu'), '--json'], { timeoutMs: 180_000 }),
      runCli(['train', '--netflix', NFLX, '--model-arch', 'mlp_medium', '--epochs', '1', '--device', 'cpu', '--out-dir', join(tmp, 'cpu'), '--json'], { timeoutMs: 180_000 }),
    ])
    expect(gpu.code, gpu.stderr).toBe(0)
    expect(JSON.parse(gpu.stdout).models[0].device).toMatch(/swiftshader.*headless Chromium/)
    expect(gpu.stderr).not.toContain('--device auto')
    expect(cpu.code, cpu.stderr).toBe(0)
    expect(JSON.parse(cpu.stdout).models[0].device).toMatch(/^CPU WebAssembly SIMD/)
  }, 200_000)
})
