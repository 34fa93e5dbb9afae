// What bench/cpu.ts, bench/archs.ts and bench/train.ts measure on the CPU: the WebAssembly trainer
// (1 worker, all cores, many models at once), the CPU reference, and PyTorch's loop
// (bench/torch_loop.py through Debian's /usr/bin/python3). Data: the 10,800 demo rows of the
// mlp_small_long fixture resampled (seeded) to the asked row count, standard scaler, batch 256.
import { spawnSync } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { archSpec } from '../src/model/arch.ts'
import { makeJob } from '../src/model/jobs.ts'
import { TorchGenerator } from '../src/base/prng.ts'
import { CpuTrainer } from '../src/model/trainCpu.ts'
import type { TrainData, TrainJob } from '../src/model/contract.ts'
import { nodeWasmTrainer } from '../src/node/cpuWorkers.ts'
import { readJson } from '../test/helpers/shared.ts'
import { trainDataFromRows } from '../src/model/trainData.ts'

export const ARCHS = ['linear', 'mlp_small', 'mlp_medium', 'mlp_large'] as const

/** The demo rows resampled with replacement to `rows` rows (seeded: the same every time). */
export function fixtureData(rows: number): TrainData {
  const fx = readJson<{ x: number[][]; y: number[] }>('fixtures', 'torch_parity', 'mlp_small_long.json')
  const nf = fx.x[0].length
  const gen = new TorchGenerator(1234)
  const x = new Float32Array(rows * nf)
  const y = new Float32Array(rows)
  for (let r = 0; r < rows; r++) {
    const s = gen.random() % fx.y.length
    for (let f = 0; f < nf; f++) x[r * nf + f] = fx.x[s][f]
    y[r] = fx.y[s]
  }
  return trainDataFromRows(x, nf, y)
}

export function benchJobs(data: TrainData, arch: string, opts: { models: number; epochs: number; rows?: number }): TrainJob[] {
  const n = opts.rows ?? data.y.length
  const trainRows = Uint32Array.from({ length: n }, (_, i) => i)
  const { widths } = archSpec(arch, data.columns.length)
  return Array.from({ length: opts.models }, (_, j) =>
    makeJob({
      id: `seed${j}`, label: `${arch} seed ${j}`, widths, seed: j, scalerMode: 'standard', data,
      trainRows, valRows: new Uint32Array(0), epochs: opts.epochs, batchSize: 256, lr: 1e-3,
    }),
  )
}

export interface PathSpeed {
  samples_per_s: number
  wall_s: number
  /** samples per CPU-second of the process (all its threads): comparable when other jobs share the cores */
  samples_per_cpu_s?: number
  /** PyTorch only: the thread counts it ran with, and its best run's CPU seconds per wall second */
  threads?: { intra_op: number; inter_op: number; cpu_per_wall: number }
}

function speed(samples: number, ms: number): PathSpeed {
  return { samples_per_s: Math.round(samples / (ms / 1000)), wall_s: Number((ms / 1000).toFixed(2)) }
}

/**
 * The WebAssembly trainer on `workers` worker_threads training `models` models at once. The
 * timed interval is the train call on warm workers: each worker first trained one epoch of the
 * same architecture on 2,048 rows (thread start, module compile and tier-up happen there).
 */
export async function measureWasm(data: TrainData, arch: string, o: { workers: number; models: number; epochs: number }): Promise<PathSpeed> {
  const t = nodeWasmTrainer({ workers: o.workers })
  try {
    await t.train(data, benchJobs(data, arch, { models: o.workers, epochs: 1, rows: 2048 }))
    const jobs = benchJobs(data, arch, { models: o.models, epochs: o.epochs })
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    const res = await t.train(data, jobs)
    const ms = performance.now() - t0
    const c = process.cpuUsage(c0)
    const bad = res.find((r) => r.status !== 'done')
    if (bad) throw new Error(`WebAssembly run ended ${bad.status}: ${bad.message}`)
    const samples = o.models * data.y.length * o.epochs
    return { ...speed(samples, ms), samples_per_cpu_s: Math.round(samples / ((c.user + c.system) / 1e6)) }
  } finally {
    t.dispose()
  }
}

/** The CPU reference trainer (plain TypeScript, this thread), one model. */
export async function measureReference(data: TrainData, arch: string, epochs: number): Promise<PathSpeed> {
  const t0 = performance.now()
  await new CpuTrainer().train(data, benchJobs(data, arch, { models: 1, epochs }))
  return speed(data.y.length * epochs, performance.now() - t0)
}

/** PyTorch's best loop (bench/torch_loop.py), one thread pinned, after a warm-up epoch; null when
 *  Debian's torch is missing. */
export function measureTorch(arch: string, rows: number, epochs: number, repeat = 1): PathSpeed | null {
  const script = fileURLToPath(new URL('./torch_loop.py', import.meta.url))
  const args = [script, '--arch', arch, '--rows', String(rows), '--epochs', String(epochs), '--repeat', String(repeat), '--json']
  const r = spawnSync('/usr/bin/python3', args, { encoding: 'utf8' })
  if (r.status !== 0) return null
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!)
  return {
    samples_per_s: out.best_samples_per_s,
    wall_s: Number(((rows * epochs) / out.best_samples_per_s).toFixed(2)),
    samples_per_cpu_s: out.best_samples_per_cpu_s,
    threads: { intra_op: out.threads, inter_op: out.interop_threads, cpu_per_wall: out.cpu_per_wall },
  }
}

export const cores = () => availableParallelism()

/**
 * The best (fastest) of up to `max` runs of a measurement, stopping once `budgetS` seconds were
 * spent: the machine is shared, so the best run is the one least disturbed by other jobs.
 * PyTorch's loop gets the same treatment (torch_loop.py --repeat keeps its best).
 */
export async function bestOf<T extends PathSpeed>(run: () => Promise<T>, max = 3, budgetS = 4): Promise<T & { runs: number }> {
  let best: T | null = null
  let spent = 0
  let runs = 0
  while (runs < max && (runs === 0 || spent < budgetS)) {
    const r = await run()
    runs++
    spent += r.wall_s
    if (!best || r.samples_per_s > best.samples_per_s) best = r
  }
  return { ...best!, runs }
}
