// Training speed of the WGSL engine (headless Chromium; SwiftShader on machines without a GPU)
// against the CPU reference: mlp_small, batch 256, 30 epochs over 280,000 rows resampled (seeded)
// from the demo corpus (data/nflx_like.parquet), standard scaler.
//   npm run bench [-- --rows N] [--epochs N] [--repeat N] [--no-cpu] [--json]
//                 [--arch mlp_small|mlp_medium|mlp_large|linear] [--generic (no unrolled kernel)] [--any-wg N]
// --json prints exactly one JSON object on stdout (progress goes to stderr). Timings are medians
// over --repeat runs (default 3); the machine is shared, so the load average is printed too.
// Also the WebAssembly trainer (1 model, so 1 worker), and best_path / best_samples_per_s: the
// engine --device auto picks for one model of this architecture on this adapter (chooseEngine,
// from the committed bench:archs speeds) and its speed measured here; best_why is its sentence.
import { readdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { asyncBufferFromFile } from 'hyparquet'
import { ingestSources } from '../src/data/ingest.ts'
import { archSpec } from '../src/model/arch.ts'
import { CANONICAL_FEATURES } from '../src/base/features.ts'
import { makeJob, tableToTrainData } from '../src/model/jobs.ts'
import { TorchGenerator } from '../src/base/prng.ts'
import { CpuTrainer } from '../src/model/trainCpu.ts'
import type { TrainData, TrainJob } from '../src/model/contract.ts'
import { openPageApi } from '../src/node/browser.ts'
import type { EngineTrainReply, EngineTrainRequest } from '../src/pageApi/engine.ts'
import { sharedPath } from '../test/helpers/shared.ts'
import { chooseEngine } from '../src/experiment/engineChoice.ts'
import { measureWasm } from './cpuPaths.ts'

function arg(argv: string[], name: string, def: number): number {
  const i = argv.indexOf(`--${name}`)
  const v = i >= 0 ? Number(argv[i + 1]) : def
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`)
  return v
}

/**
 * CPU seconds used so far by the descendants of a process (Linux /proc; 0 elsewhere). The
 * GPU work of SwiftShader runs in Chromium's GPU process, so samples per CPU-second is a figure
 * that stays comparable when other jobs share the cores.
 */
function treeCpuSeconds(root: number | undefined): number {
  if (!root) return 0
  const tick = 100 // USER_HZ
  const procs = new Map<number, { ppid: number; t: number }>()
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      procs.set(Number(d), { ppid: Number(f[1]), t: (Number(f[11]) + Number(f[12])) / tick })
    } catch {
      // the process ended meanwhile
    }
  }
  let total = 0
  for (const [pid, p] of procs) {
    if (pid === root) continue
    let q: number | undefined = pid
    for (let hops = 0; q && hops < 8; hops++) {
      if (q === root) {
        total += p.t
        break
      }
      q = procs.get(q)?.ppid
    }
  }
  return total
}

const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor((a.length - 1) / 2)]

/** The demo corpus's rows, resampled with replacement to `rows` rows (seeded: the same every time). */
export async function benchData(rows: number): Promise<TrainData> {
  const file = await asyncBufferFromFile(sharedPath('data', 'nflx_like.parquet'))
  const { table } = await ingestSources([{ kind: 'buffer', name: 'nflx_like.parquet', file }], { strict: true })
  const src = tableToTrainData(table, CANONICAL_FEATURES)
  const n = src.y.length
  const gen = new TorchGenerator(1234)
  const columns = src.columns.map(() => new Float32Array(rows))
  const y = new Float32Array(rows)
  for (let r = 0; r < rows; r++) {
    const s = gen.random() % n
    columns.forEach((c, f) => (c[r] = src.columns[f][s]))
    y[r] = src.y[s]
  }
  return { columns, y }
}

export function benchJobs(data: TrainData, n: number, epochs: number, arch: string): TrainJob[] {
  const rows = data.y.length
  const all = Uint32Array.from({ length: rows }, (_, i) => i)
  const { widths } = archSpec(arch, data.columns.length)
  return Array.from({ length: n }, (_, j) =>
    makeJob({
      id: `seed${j}`, label: `${arch} seed ${j}`, widths, seed: j, scalerMode: 'standard', data,
      trainRows: all, valRows: new Uint32Array(0), epochs, batchSize: 256, lr: 1e-3,
    }),
  )
}

export default async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json')
  const log = (s: string) => (json ? process.stderr : process.stdout).write(s + '\n')
  const rows = arg(argv, 'rows', 280_000)
  const epochs = arg(argv, 'epochs', 30)
  const repeat = arg(argv, 'repeat', 3)
  const ai = argv.indexOf('--arch')
  const arch = ai >= 0 ? argv[ai + 1] : 'mlp_small'
  const wgAt = argv.indexOf('--any-wg')
  const options = {
    ...(argv.includes('--generic') ? { disableSmall: true } : {}),
    ...(wgAt >= 0 ? { anyWorkgroup: Number(argv[wgAt + 1]) } : {}),
  }
  const load0 = loadavg()[0]

  const data = await benchData(rows)
  const samples = rows * epochs
  log(`${arch}${options.disableSmall ? ' (generic kernel)' : ''}, batch 256, ${epochs} epochs × ${rows} rows; load average ${load0.toFixed(2)} (2 cores shared)`)

  const session = await openPageApi({ onConsole: (l) => (l.includes('error') ? log(l) : undefined) })
  try {
    const page = session.page
    const t0 = performance.now()
    const info = await page.evaluate((o) => (window as any).lab.engineInfo(o), options)
    const compileMs = performance.now() - t0
    if (!info.ok) throw new Error(`no WebGPU in headless Chromium: ${info.reason}`)
    log(`adapter: ${info.adapter}; pipelines compiled in ${(compileMs / 1000).toFixed(1)} s (small kernel workgroup ${info.smallWorkgroup})`)

    // Chromium is a child of this Node process: count its process tree.
    const pid = process.pid
    const run = async (n: number): Promise<EngineTrainReply & { cpuS: number }> => {
      const req: EngineTrainRequest = { data, jobs: benchJobs(data, n, epochs, arch), checkpoints: false, options }
      const c0 = treeCpuSeconds(pid)
      const reply: EngineTrainReply = await page.evaluate((r) => (window as any).lab.engineTrain(r), req)
      const cpuS = treeCpuSeconds(pid) - c0
      const bad = reply.results.find((r) => r.status !== 'done')
      if (bad) throw new Error(`bench run failed: ${bad.status} ${bad.message ?? ''}`)
      return { ...reply, cpuS }
    }
    const perCpu = (n: number, r: { cpuS: number }) =>
      r.cpuS > 0 ? `, ${Math.round((n * samples) / r.cpuS).toLocaleString('en')} per CPU-second` : ''
    const single: number[] = []
    const first: number[] = []
    const multi: number[] = []
    let kernel = ''
    for (let i = 0; i < repeat; i++) {
      const r1 = await run(1)
      kernel = r1.kernels[0]
      single.push(samples / (r1.wallMs / 1000))
      first.push(r1.firstEpochMs)
      log(`  1 model : ${Math.round(single[i]).toLocaleString('en')} samples/s (${(r1.wallMs / 1000).toFixed(2)} s, first loss after ${r1.firstEpochMs.toFixed(0)} ms, final loss ${r1.results[0].trainLoss.at(-1)!.toFixed(3)}${perCpu(1, r1)})`)
      const r9 = await run(9)
      multi.push((9 * samples) / (r9.wallMs / 1000))
      log(`  9 models: ${Math.round(multi[i]).toLocaleString('en')} samples/s summed (${(r9.wallMs / 1000).toFixed(2)} s${perCpu(9, r9)})`)
    }

    const wasm: number[] = []
    for (let i = 0; i < repeat; i++) {
      const w = await measureWasm(data, arch, { workers: 1, models: 1, epochs })
      wasm.push(w.samples_per_s)
      log(`  WebAssembly trainer, 1 model: ${w.samples_per_s.toLocaleString('en')} samples/s (${w.wall_s} s)`)
    }
    const { widths } = archSpec(arch, data.columns.length)
    const choice = chooseEngine({ ok: true, software: info.software !== false, adapter: info.adapter }, [{ widths, models: 1, samples }])
    const best = choice.engine === 'cpu' ? median(wasm) : median(single)
    log(`  auto: ${choice.why}`)

    let cpu = NaN
    if (!argv.includes('--no-cpu')) {
      const jobs = benchJobs(data, 1, epochs, arch)
      const tc = performance.now()
      const res = await new CpuTrainer().train(data, jobs)
      cpu = samples / ((performance.now() - tc) / 1000)
      log(`  CPU reference (Node): ${Math.round(cpu).toLocaleString('en')} samples/s (final loss ${res[0].trainLoss.at(-1)!.toFixed(3)})`)
    }
    const out = {
      rows,
      epochs,
      ...(arch === 'mlp_small' ? {} : { arch }),
      engine_single_samples_per_s: Math.round(median(single)),
      engine_multi9_samples_per_s: Math.round(median(multi)),
      cpu_reference_samples_per_s: Number.isNaN(cpu) ? null : Math.round(cpu),
      wasm_samples_per_s: Math.round(median(wasm)),
      best_path: choice.engine, // 'cpu' = the WebAssembly trainer
      best_samples_per_s: Math.round(best),
      best_why: choice.why,
      first_loss_ms: Math.round(median(first)),
      adapter: info.adapter as string,
      kernel,
      pipeline_compile_ms: Math.round(compileMs),
      repeats: repeat,
      load_average: [Number(load0.toFixed(2)), Number(loadavg()[0].toFixed(2))],
    }
    if (json) process.stdout.write(JSON.stringify(out) + '\n')
    else {
      log(`medians over ${repeat}: 1 model ${out.engine_single_samples_per_s.toLocaleString('en')}/s, ` +
        `9 models ${out.engine_multi9_samples_per_s.toLocaleString('en')}/s, first loss ${out.first_loss_ms} ms; ` +
        `load average now ${loadavg()[0].toFixed(2)}`)
      log(JSON.stringify(out))
    }
    return 0
  } finally {
    await session.close()
  }
}
