// Every architecture on every training path here, back to back: the WGSL engine in headless
// Chromium (SwiftShader on this machine), the WebAssembly trainer on 1 worker and on all cores, the
// CPU reference, and PyTorch 1.13's best CPU loop (1 thread); then many models at once (9 and 36)
// on the GPU engine and on the WebAssembly trainer. Prints the table, writes
// bench/results/archs-<date>.json, and rewrites src/experiment/engineSpeeds.ts — the speeds the
// auto engine choice reads — from it (--no-table keeps the committed one).
//   npm run bench:archs [-- --archs linear,mlp_small] [--rows N] [--epochs N] [--multi-rows N] [--out FILE] [--no-table] [--gpu]
// --gpu launches Chromium for a real GPU (bench/gpu/browser.ts, as bench:gpu does): its rows go under
// 'hardware' in the speed table, next to the 'software' rows measured elsewhere (the table keeps both).
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { chooseEngine, ENGINE_SPEEDS, type EngineSpeeds } from '../src/experiment/engineChoice.ts'
import { openGpuHarness } from './gpu/browser.ts'
import type { EngineTrainReply, EngineTrainRequest } from '../src/pageApi/engine.ts'
import { archSpec, paramCount } from '../src/model/arch.ts'
import type { TrainData } from '../src/model/contract.ts'
import { openPageApi } from '../src/node/browser.ts'
import { ROOT } from '../src/node/repoRoot.ts'
import { ARCHS, benchJobs, bestOf, cores, fixtureData, measureReference, measureTorch, measureWasm, type PathSpeed } from './cpuPaths.ts'
import { machine, loadNow, today, writeResult } from './results.ts'

function flag(argv: string[], name: string, def: string): string {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : def
}

const MULTI = [9, 36]
const r2 = (v: number) => Number(v.toFixed(2))

interface ArchRow {
  arch: string
  params: number
  gpu_engine: PathSpeed & { kernel: string; failed?: string }
  wasm_1worker: PathSpeed
  wasm_all_cores: PathSpeed & { models: number }
  cpu_reference: PathSpeed
  torch_1thread: PathSpeed | null
  best_path: 'gpu' | 'cpu'
  best_samples_per_s: number
  best_vs_torch: number | null
  /** WebAssembly 1 worker ÷ PyTorch in samples per CPU-second (less disturbed by other jobs than wall time) */
  wasm_vs_torch_per_cpu_s: number | null
  all_cores_vs_torch: number | null
  multi: { models: number; gpu_engine: PathSpeed & { failed?: string }; wasm_all_cores: PathSpeed; best_path: 'gpu' | 'cpu'; best_vs_torch: number | null }[]
  load_average: { before: number[]; after: number[] }
}

export default async function main(argv: string[]): Promise<number> {
  const rows = Number(flag(argv, 'rows', '280000'))
  const epochs = Number(flag(argv, 'epochs', '2'))
  const multiRows = Number(flag(argv, 'multi-rows', '70000'))
  const archs = flag(argv, 'archs', ARCHS.join(',')).split(',')
  const log = (s: string) => process.stderr.write(s + '\n')
  const load0 = loadNow()
  const n = cores()
  log(`bench:archs — ${archs.join(', ')}; load average ${load0.join(' ')} (${n} cores, shared)`)
  const data = fixtureData(rows)
  const multiData = fixtureData(multiRows)

  const onConsole = (l: string) => (l.includes('error') ? log(l) : undefined)
  const open = () => (argv.includes('--gpu') ? openGpuHarness({ onConsole }) : openPageApi({ onConsole }))
  let session = await open()
  const rowsOut: ArchRow[] = []
  let adapter = ''
  let software = true
  try {
    const info = await session.page.evaluate(() => (window as any).lab.engineInfo({}))
    if (!info.ok) throw new Error(`no WebGPU in headless Chromium: ${info.reason}`)
    adapter = info.adapter
    software = info.software !== false
    log(`adapter: ${adapter}${software ? ' (software)' : ''}`)
    const gpuOnce = async (d: TrainData, arch: string, models: number, ep: number): Promise<PathSpeed & { kernel: string }> => {
      const req: EngineTrainRequest = { data: d, jobs: benchJobs(d, arch, { models, epochs: ep }), checkpoints: false }
      const r: EngineTrainReply = await session.page.evaluate((q) => (window as any).lab.engineTrain(q), req)
      const bad = r.results.find((x) => x.status !== 'done')
      if (bad) throw new Error(`GPU engine, ${arch} × ${models}: ${bad.status} ${bad.message ?? ''}`)
      return { samples_per_s: Math.round((models * d.y.length * ep) / (r.wallMs / 1000)), wall_s: r2(r.wallMs / 1000), kernel: r.kernels[0] }
    }
    // a run that takes Chromium down is recorded as failed, with its message and what Chromium's
    // log says (its GPU process crashes, a fatal error), and the next runs get a new browser
    const gpu = async (d: TrainData, arch: string, models: number, ep: number): Promise<PathSpeed & { kernel: string; failed?: string }> => {
      try {
        return await bestOf(() => gpuOnce(d, arch, models, ep))
      } catch (e) {
        const cause = session.exitCause()
        const msg = `${(e as Error).message.split('\n')[0]}${cause ? ` — ${cause}` : ' — Chromium\'s log records no GPU process crash and no fatal error'}`
        log(`${arch} × ${models} on the GPU engine failed: ${msg}; reopening Chromium`)
        await session.close().catch(() => {})
        session = await open()
        await session.page.evaluate(() => (window as any).lab.engineInfo({}))
        return { samples_per_s: 0, wall_s: 0, kernel: 'failed', failed: msg }
      }
    }
    for (const arch of archs) {
      const l0 = loadNow()
      const fmt = (p: PathSpeed | null) => (p ? `${p.samples_per_s.toLocaleString('en')} samples/s (${p.wall_s} s)` : 'n/a')
      const g1 = await gpu(data, arch, 1, epochs)
      log(`${arch}: GPU engine (${g1.kernel}), 1 model: ${fmt(g1)}`)
      // the pair the targets compare, interleaved so both see the same moments of a shared machine:
      // 3 rounds of (WebAssembly 1 worker, PyTorch 1 thread), the best run of each kept
      let w1: PathSpeed & { runs: number } = { samples_per_s: 0, wall_s: 0, runs: 0 }
      let torch: (PathSpeed & { runs: number }) | null = null
      for (let round = 0; round < 3; round++) {
        const w = await measureWasm(data, arch, { workers: 1, models: 1, epochs })
        const cpuBest = Math.max(w1.samples_per_cpu_s ?? 0, w.samples_per_cpu_s ?? 0)
        if (w.samples_per_s > w1.samples_per_s) w1 = { ...w, runs: round + 1 }
        w1.runs = round + 1
        w1.samples_per_cpu_s = cpuBest
        const t = measureTorch(arch, rows, epochs, 1)
        const tCpu = Math.max(torch?.samples_per_cpu_s ?? 0, t?.samples_per_cpu_s ?? 0)
        if (t && (!torch || t.samples_per_s > torch.samples_per_s)) torch = { ...t, runs: round + 1 }
        if (torch) Object.assign(torch, { runs: round + 1, samples_per_cpu_s: tCpu })
      }
      log(`${arch}: WebAssembly, 1 worker: ${fmt(w1)}`)
      log(`${arch}: PyTorch, 1 thread: ${fmt(torch)}`)
      const wn = { ...(await bestOf(() => measureWasm(data, arch, { workers: n, models: n, epochs }))), models: n }
      log(`${arch}: WebAssembly, ${n} workers × ${n} models: ${fmt(wn)}`)
      const ref = await bestOf(() => measureReference(data, arch, epochs))
      log(`${arch}: CPU reference: ${fmt(ref)}`)
      const multi: ArchRow['multi'] = []
      for (const m of MULTI) {
        const gm = await gpu(multiData, arch, m, 1)
        const wm = await bestOf(() => measureWasm(multiData, arch, { workers: n, models: m, epochs: 1 }))
        log(`${arch}: ${m} models at once: GPU engine ${fmt(gm)}; WebAssembly ${n} workers ${fmt(wm)}`)
        multi.push({ models: m, gpu_engine: gm, wasm_all_cores: wm, best_path: 'cpu', best_vs_torch: null })
      }
      rowsOut.push({
        arch, params: paramCount(archSpec(arch, data.columns.length).widths), gpu_engine: g1, wasm_1worker: w1, wasm_all_cores: wn,
        cpu_reference: ref, torch_1thread: torch, best_path: 'cpu', best_samples_per_s: 0, best_vs_torch: null, wasm_vs_torch_per_cpu_s: null, all_cores_vs_torch: null,
        multi, load_average: { before: l0, after: loadNow() },
      })
    }
  } finally {
    await session.close()
  }
  const load1 = loadNow()

  // the table auto reads, from these measurements; then what auto picks with it
  const date = today()
  const out = resolve(ROOT, flag(argv, 'out', `bench/results/archs-${date}.json`))
  const rel = out.startsWith(ROOT + '/') ? out.slice(ROOT.length + 1) : out
  const kind = software ? 'software' : 'hardware'
  const m = { ...machine(), ...(software ? {} : { gpu: adapter }) }
  const table: EngineSpeeds = {
    source: rel,
    sources: { ...ENGINE_SPEEDS.sources, [kind]: rel },
    measured: `${date}, ${m.cpu_model} × ${m.cores} cores, load average ${load0[0]} → ${load1[0]}`,
    adapters: {
      ...ENGINE_SPEEDS.adapters,
      [kind]: Object.fromEntries(rowsOut.map((r) => [r.arch, {
        gpu: Object.fromEntries([[1, r.gpu_engine] as const, ...r.multi.map((x) => [x.models, x.gpu_engine] as const)].filter(([, g]) => !g.failed).map(([c, g]) => [c, g.samples_per_s])),
        cpu: { 1: r.wasm_1worker.samples_per_s, ...Object.fromEntries(r.multi.map((x) => [x.models, x.wasm_all_cores.samples_per_s])) },
      }])),
    },
  }
  const probe = { ok: true as const, software, adapter }
  for (const r of rowsOut) {
    const widths = archSpec(r.arch, data.columns.length).widths
    const torch = r.torch_1thread?.samples_per_s ?? null
    r.best_path = chooseEngine(probe, [{ widths, models: 1, samples: 1 }], table).engine
    r.best_samples_per_s = r.best_path === 'cpu' ? r.wasm_1worker.samples_per_s : r.gpu_engine.samples_per_s
    r.best_vs_torch = torch ? r2(r.best_samples_per_s / torch) : null
    r.all_cores_vs_torch = torch ? r2(r.wasm_all_cores.samples_per_s / torch) : null
    const tc = r.torch_1thread?.samples_per_cpu_s
    r.wasm_vs_torch_per_cpu_s = tc && r.wasm_1worker.samples_per_cpu_s ? r2(r.wasm_1worker.samples_per_cpu_s / tc) : null
    for (const x of r.multi) {
      x.best_path = chooseEngine(probe, [{ widths, models: x.models, samples: 1 }], table).engine
      const best = x.best_path === 'cpu' ? x.wasm_all_cores.samples_per_s : x.gpu_engine.samples_per_s
      x.best_vs_torch = torch ? r2(best / torch) : null
    }
  }

  const k = (v: number) => (v === 0 ? 'failed' : v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : `${Math.round(v / 1e3)} k`)
  const lines = [
    `| arch | GPU engine (${software ? 'SwiftShader' : 'GPU'}) | WASM 1 worker | WASM ${n} workers (${n} models) | CPU reference | PyTorch 1 thread | best path | best ÷ PyTorch | all cores ÷ PyTorch | WASM ÷ PyTorch per CPU-s |`,
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rowsOut.map((r) => `| ${r.arch} | ${k(r.gpu_engine.samples_per_s)} | ${k(r.wasm_1worker.samples_per_s)} | ${k(r.wasm_all_cores.samples_per_s)} | ${k(r.cpu_reference.samples_per_s)} | ${r.torch_1thread ? k(r.torch_1thread.samples_per_s) : 'n/a'} | ${r.best_path} | ${r.best_vs_torch ?? 'n/a'}× | ${r.all_cores_vs_torch ?? 'n/a'}× | ${r.wasm_vs_torch_per_cpu_s ?? 'n/a'}× |`),
    '',
    `| arch | models at once | GPU engine, summed | WASM ${n} workers, summed | best path | best ÷ PyTorch (1 model at a time) |`,
    '|---|---|---|---|---|---|',
    ...rowsOut.flatMap((r) => r.multi.map((x) => `| ${r.arch} | ${x.models} | ${k(x.gpu_engine.samples_per_s)} | ${k(x.wasm_all_cores.samples_per_s)} | ${x.best_path} | ${x.best_vs_torch ?? 'n/a'}× |`)),
  ]
  process.stdout.write(lines.join('\n') + '\n')

  writeResult(out, {
    bench: 'archs',
    date,
    machine: m,
    adapter,
    software_adapter: software,
    load_average: { before: load0, after: load1 },
    recipe: { batch: 256, lr: 1e-3, scaler: 'standard', data: 'mlp_small_long fixture rows (10,800 demo rows) resampled with seed 1234' },
    single: { rows, epochs },
    many_models: { rows: multiRows, epochs: 1, counts: MULTI },
    repeats: 'WebAssembly 1 worker and PyTorch 1 thread (the pair the targets compare) run interleaved, 3 rounds of one run each, each keeping its fastest run; every other path runs up to 3 times (fewer once 4 s were spent) and keeps its fastest run (runs: how many)',
    timed: {
      gpu_engine: 'lab.engineTrain in headless Chromium: the train() call (data upload to the GPU, every epoch\'s dispatches and readbacks); excludes Chromium start-up, pipeline compilation (done before) and the transfer from Node into the page',
      wasm: 'WasmTrainer.train() on warm workers (each worker trained one epoch of the same architecture on 2,048 rows first: thread start, module compile, tier-up excluded); includes the copy of the data into shared memory and every epoch\'s shuffle',
      cpu_reference: 'CpuTrainer.train() in this thread, one model',
      per_cpu_s: 'samples_per_cpu_s: the same samples ÷ CPU seconds the process used in the timed interval (Node: process.cpuUsage over all threads; Python: time.process_time), best run; less disturbed by other jobs than wall time',
      torch: 'bench/torch_loop.py: the training loop only (model init, randperm per epoch, index slicing, forward, backward, Adam), after one untimed warm-up epoch on 2,048 rows in the same process (as the WebAssembly workers get), threads pinned to 1 (OMP/MKL/OpenBLAS variables, set_num_threads, set_num_interop_threads; torch_1thread.threads records what it ran with and its CPU/wall ratio); excludes Python start-up and data preparation',
      excluded: 'ONNX export and evaluation (no run here evaluates)',
    },
    best_path: 'the engine chooseEngine (src/experiment/openTrainer auto) picks with the speeds measured here; its samples/s: 1 model = WASM 1 worker or GPU engine 1 model; N models = WASM all cores or GPU engine summed',
    archs: rowsOut,
    table: lines,
  })
  log(`wrote ${rel}`)
  if (!argv.includes('--no-table')) {
    writeFileSync(
      resolve(ROOT, 'src/experiment/engineSpeeds.ts'),
      '// Written by `npm run bench:archs` from the result file named in `source` — do not edit by hand.\n' +
        '// The speeds (samples/s summed, by model count) the auto engine choice reads (engineChoice.ts).\n' +
        `export const MEASURED_SPEEDS = ${JSON.stringify(table, null, 2)}\n`,
    )
    log('wrote src/experiment/engineSpeeds.ts')
  }
  return 0
}
