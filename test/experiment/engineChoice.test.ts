// The auto engine choice: which engine it picks for which run, on which adapter, and the sentence
// it says — against a small table written here, and against the committed table bench:archs wrote.
import { describe, expect, it } from 'vitest'
import { chooseEngine, ENGINE_SPEEDS, fmtRate, tableArch, workOf, type EngineSpeeds } from '../../src/experiment/engineChoice.ts'
import { AutoTrainer, openTrainer, type EngineChoice } from '../../src/experiment/openTrainer.ts'
import type { TrainData, Trainer, TrainJob, TrainResult } from '../../src/model/contract.ts'

const TABLE: EngineSpeeds = {
  source: 'bench/results/archs-test.json',
  measured: 'test',
  adapters: {
    software: {
      mlp_small: { gpu: { 1: 1_500_000, 9: 4_000_000, 36: 4_500_000 }, cpu: { 1: 1_000_000, 9: 2_000_000, 36: 2_000_000 } },
      mlp_medium: { gpu: { 1: 60_000, 9: 80_000, 36: 90_000 }, cpu: { 1: 240_000, 9: 480_000, 36: 480_000 } },
    },
  },
}
const SOFT = { ok: true as const, software: true, adapter: 'google / swiftshader' }
const HARD = { ok: true as const, software: false, adapter: 'nvidia / hopper' }
const item = (hidden: number[], models = 1, samples = 1000) => ({ widths: [6, ...hidden, 1], models, samples })

describe('chooseEngine', () => {
  it('picks the faster engine per architecture on a software adapter and says by how much', () => {
    const med = chooseEngine(SOFT, [item([64, 32])], TABLE)
    expect(med.engine).toBe('cpu')
    expect(med.ratio).toBeCloseTo(4, 10)
    expect(med.why).toBe('mlp_medium on a software adapter: the CPU trainer is 4.0× faster (measured 240k vs 60k samples/s at 1 model, bench/results/archs-test.json)')
    const small = chooseEngine(SOFT, [item([16, 8])], TABLE)
    expect(small.engine).toBe('gpu')
    expect(small.why).toMatch(/^mlp_small on a software adapter: the WebGPU engine is 1\.5× faster \(measured 1\.5M vs 1\.0M/)
  })

  it('uses the speeds measured at the nearest model count', () => {
    // 9 mlp_small models: 4M (GPU) vs 2M (CPU) → GPU 2×; 30 → the 36 column
    expect(chooseEngine(SOFT, [item([16, 8], 9)], TABLE).ratio).toBeCloseTo(2, 10)
    expect(chooseEngine(SOFT, [item([16, 8], 30)], TABLE).ratio).toBeCloseTo(2.25, 10)
  })

  it('weighs a mixed run by each architecture\'s samples and names them all', () => {
    // 9 models: small 4.5 × 1000 / 4M vs / 2M; medium 4.5 × 1000 / 80k vs / 480k → the CPU wins overall
    const c = chooseEngine(SOFT, [item([16, 8], 5), item([64, 32], 4)], TABLE)
    const gpu = (5 * 1000) / 4e6 + (4 * 1000) / 8e4
    const cpu = (5 * 1000) / 2e6 + (4 * 1000) / 4.8e5
    expect(c.engine).toBe('cpu')
    expect(c.ratio).toBeCloseTo(gpu / cpu, 10)
    expect(c.why).toMatch(/^mlp_small, mlp_medium \(9 models\) on a software adapter: the CPU trainer is \d\.\d× faster \(estimated from the speeds measured at 9 models, /)
  })

  it('maps custom widths to the measured architecture closest in size, and says so', () => {
    expect(tableArch([6, 60, 30, 1], ['mlp_small', 'mlp_medium'])).toEqual({ name: 'mlp_medium', exact: false })
    const c = chooseEngine(SOFT, [item([60, 30])], TABLE)
    expect(c.engine).toBe('cpu')
    expect(c.why).toContain('60×30 (sized like mlp_medium) on a software adapter: the CPU trainer')
  })

  it('keeps the GPU on a real GPU, saying it was not measured there; the CPU without an adapter', () => {
    const g = chooseEngine(HARD, [item([64, 32])], TABLE)
    expect(g).toMatchObject({ engine: 'gpu', ratio: null })
    expect(g.why).toBe('a GPU (nvidia / hopper): no measurement for this adapter; auto keeps the WebGPU engine, whose kernels are designed for GPUs (not measured against the CPU trainer here: npm run bench:archs on this machine measures both)')
    // the committed table has no hardware rows: a hardware adapter is unmeasured there too, whatever the run
    if (!ENGINE_SPEEDS.adapters.hardware)
      for (const hidden of [[], [16, 8], [64, 32], [64, 32, 16]]) {
        const c = chooseEngine(HARD, [item(hidden, 36)])
        expect(c).toMatchObject({ engine: 'gpu', ratio: null })
        expect(c.why).toMatch(/^a GPU \(nvidia \/ hopper\): no measurement for this adapter; /)
      }
    expect(chooseEngine({ ok: false, reason: 'no adapter' }, [item([64, 32])], TABLE)).toEqual({ engine: 'cpu', why: 'WebGPU unavailable: no adapter', ratio: null })
    expect(chooseEngine(SOFT, [], TABLE).engine).toBe('gpu')
  })

  it('reads the committed table: on a software adapter every architecture goes where bench:archs measured it faster', () => {
    const rows = ENGINE_SPEEDS.adapters.software
    expect(rows, 'src/experiment/engineSpeeds.ts has no software rows: run npm run bench:archs').toBeDefined()
    expect(ENGINE_SPEEDS.source).toMatch(/^bench\/results\/archs-\d{4}-\d{2}-\d{2}\.json$/)
    for (const [name, s] of Object.entries(rows!)) {
      const hidden = { linear: [], mlp_small: [16, 8], mlp_medium: [64, 32], mlp_large: [64, 32, 16] }[name]!
      const c = chooseEngine(SOFT, [item(hidden)])
      expect(c.engine).toBe(s.cpu['1'] > s.gpu['1'] ? 'cpu' : 'gpu')
      expect(c.why.startsWith(`${name} on a software adapter: `)).toBe(true)
    }
  })

  it('on a software adapter the committed table sends the arch preset (36 models of each architecture) to the CPU trainer', () => {
    const arch = [[], [16, 8], [64, 32], [64, 32, 16]].map((h) => item(h, 36, 9 * 1200 * 30))
    const c = chooseEngine(SOFT, arch)
    expect(c.engine).toBe('cpu')
    expect(c.ratio!).toBeGreaterThan(1)
    expect(c.why).toMatch(/^linear, mlp_small, mlp_medium, mlp_large \(144 models\) on a software adapter: the CPU trainer is \d+\.\d× faster \(estimated from the speeds measured at 36 models, bench\/results\/archs-/)
  })

  it('formats rates and groups jobs by architecture', () => {
    expect([fmtRate(738_552), fmtRate(5_204_341), fmtRate(12_345_678)]).toEqual(['739k', '5.2M', '12M'])
    const job = (widths: number[], rows: number, epochs: number) => ({ widths, trainRows: { length: rows }, epochs })
    expect(workOf([job([6, 16, 8, 1], 100, 2), job([6, 64, 32, 1], 50, 1), job([6, 16, 8, 1], 300, 2)])).toEqual([
      { widths: [6, 16, 8, 1], models: 2, samples: 400 },
      { widths: [6, 64, 32, 1], models: 1, samples: 50 },
    ])
  })
})

/** A trainer that records what it was given. */
function fake(kind: Trainer['kind'], description: string): Trainer & { calls: number; disposed: boolean } {
  return {
    kind, description, calls: 0, disposed: false,
    async train(_d: TrainData, jobs: TrainJob[]): Promise<TrainResult[]> {
      this.calls++
      return jobs.map(() => ({ status: 'done', params: new Float32Array(), steps: 0, trainLoss: [], valLoss: [] }) as unknown as TrainResult)
    },
    dispose() {
      this.disposed = true
    },
  }
}
const DATA: TrainData = { columns: Array.from({ length: 6 }, () => new Float32Array(1)), y: new Float32Array(1) }
const jobOf = (hidden: number[]) => ({ widths: [6, ...hidden, 1], trainRows: new Uint32Array(10), epochs: 1 }) as unknown as TrainJob

describe('openTrainer auto', () => {
  it('on a software adapter trains each run where the table says, says why, and opens the GPU only when needed', async () => {
    const gpu = fake('webgpu', 'google / swiftshader (headless Chromium)')
    const cpu = fake('cpu', 'CPU WebAssembly SIMD (2 workers)')
    let gpuOpened = 0
    const said: EngineChoice[] = []
    const o = await openTrainer('auto', {
      probeGpu: async () => SOFT,
      openGpu: async () => (gpuOpened++, { trainer: gpu }),
      openCpu: () => cpu,
      onChoice: (c) => said.push(c),
    })
    expect(o.trainer).toBeInstanceOf(AutoTrainer)
    expect(o.fellBack).toBe(false)
    const auto = o.trainer as AutoTrainer
    const expected = chooseEngine(SOFT, [item([64, 32], 1, 10)])
    await auto.train(DATA, [jobOf([64, 32])])
    expect(said).toEqual([expected])
    expect(auto.choice).toEqual(expected)
    expect(auto.description).toBe(expected.engine === 'cpu' ? cpu.description : gpu.description)
    expect([cpu.calls, gpu.calls]).toEqual(expected.engine === 'cpu' ? [1, 0] : [0, 1])
    expect(gpuOpened).toBe(expected.engine === 'gpu' ? 1 : 0)
    await o.close()
  })

  it('on a hardware adapter starts opening the GPU at once and trains there; a GPU that fails to start falls back, saying so', async () => {
    const gpu = fake('webgpu', 'nvidia / hopper')
    let opened = 0
    const o = await openTrainer('auto', { probeGpu: async () => HARD, openGpu: async () => (opened++, { trainer: gpu }), openCpu: () => fake('cpu', 'cpu') })
    expect(opened).toBe(1)
    await o.trainer.train(DATA, [jobOf([16, 8])])
    expect(gpu.calls).toBe(1)
    expect(o.trainer.kind).toBe('webgpu')
    await o.close()
    expect(gpu.disposed).toBe(true)

    const cpu = fake('cpu', 'CPU WebAssembly SIMD (1 worker)')
    const said: string[] = []
    const f = await openTrainer('auto', { probeGpu: async () => HARD, openGpu: async () => ({ reason: 'device lost at start' }), openCpu: () => cpu, onChoice: (c) => said.push(c.why) })
    await f.trainer.train(DATA, [jobOf([16, 8])])
    expect(cpu.calls).toBe(1)
    expect(said[0]).toMatch(/no measurement for this adapter; auto keeps the WebGPU engine.*; but the WebGPU engine could not start \(device lost at start\) — training on the CPU trainer instead$/)
  })

  it('without an adapter falls back to the CPU with the reason; without a probe it opens the engine to learn the adapter', async () => {
    const cpu = fake('cpu', 'CPU WebAssembly SIMD (2 workers)')
    const none = await openTrainer('auto', { probeGpu: async () => ({ ok: false, reason: 'no adapter' }), openGpu: async () => ({ reason: 'x' }), openCpu: () => cpu })
    expect(none).toMatchObject({ trainer: cpu, fellBack: true, why: 'WebGPU unavailable: no adapter — training on the CPU WebAssembly SIMD (2 workers) instead' })
    const gpu = fake('webgpu', 'google / swiftshader [software fallback] (headless Chromium)')
    const o = await openTrainer('auto', { openGpu: async () => ({ trainer: gpu }), openCpu: () => fake('cpu', 'cpu') })
    expect((o.trainer as AutoTrainer).probe).toEqual({ ok: true, software: true, adapter: gpu.description })
    await o.close()
  })
})
