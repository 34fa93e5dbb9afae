// Runs jobs on the WebAssembly kernels in the calling thread: one memory for the run (the
// features and targets once, then each job's block), jobs round-robin one epoch at a time like
// the CPU reference, yielding to the event loop every `sliceMs` so a cancel is seen promptly.
// A worker of the pool (src/cpu/worker.ts) runs its share of a run's jobs with this.
import type { Checkpoint, EpochEvent, TrainData, TrainJob, TrainResult } from '../model/contract.ts'
import { checkJob } from '../model/trainChecks.ts'
import { yieldNow } from '../model/yieldNow.ts'
import { Arena, compiledKernel, instantiate, memoryFor, type KernelExports } from './kernel.ts'
import { jobExtraBytes, WasmJob } from './wasmJob.ts'

export interface RunOptions {
  onEpoch?: (ev: EpochEvent) => void
  /** polled between slices; true = cancel every unfinished job */
  aborted?: () => boolean
  resume?: (Checkpoint | null)[]
  sliceMs?: number
}

/** Sets up the memory and the jobs' kernels; the jobs are already checked. */
async function setUp(data: TrainData, jobs: TrainJob[], resume: (Checkpoint | null)[] | undefined): Promise<WasmJob[]> {
  const kernels = await Promise.all(jobs.map((j) => compiledKernel(j.widths, j.batchSize)))
  const arena = new Arena()
  const x = arena.take(4 * data.x.length)
  const y = arena.take(4 * data.y.length)
  const sizing = new Arena()
  jobs.forEach((j, i) => sizing.take(kernels[i].layout.bytes + jobExtraBytes(j)))
  const memory = memoryFor(arena.size + sizing.size + 1024)
  new Float32Array(memory.buffer, x, data.x.length).set(data.x)
  new Float32Array(memory.buffer, y, data.y.length).set(data.y)
  const mem = { memory, arena, x, y }
  const instances = new Map<unknown, Promise<KernelExports>>()
  const runs: WasmJob[] = []
  for (let i = 0; i < jobs.length; i++) {
    const k = kernels[i]
    if (!instances.has(k)) instances.set(k, instantiate(k, memory))
    runs.push(new WasmJob(await instances.get(k)!, k.layout, mem, jobs[i], i, resume?.[i] ?? null))
  }
  return runs
}

/** Trains `jobs` on `data` here; results in job order. */
export async function runJobs(data: TrainData, jobs: TrainJob[], opts: RunOptions = {}): Promise<TrainResult[]> {
  for (const j of jobs) checkJob(data, j)
  const runs = await setUp(data, jobs, opts.resume)
  const sliceMs = opts.sliceMs ?? 20
  const aborted = opts.aborted ?? (() => false)
  let sliceStart = performance.now()
  const pause = async (): Promise<boolean> => {
    if (performance.now() - sliceStart < sliceMs) return aborted()
    await yieldNow()
    sliceStart = performance.now()
    return aborted()
  }
  let msPerStep = 0.05
  let cancelled = aborted()
  while (!cancelled) {
    const active = runs.filter((r) => r.status === null)
    if (active.length === 0) break
    for (const run of active) {
      run.beginEpoch()
      while (run.status === null && run.stepsLeft > 0) {
        // as many steps as fit in what is left of the slice (at least one)
        const left = Math.max(sliceMs - (performance.now() - sliceStart), sliceMs / 4)
        const n = Math.max(1, Math.min(run.stepsLeft, Math.floor(left / msPerStep)))
        const t0 = performance.now()
        run.trainSteps(n)
        msPerStep = 0.5 * msPerStep + (0.5 * Math.max(performance.now() - t0, 1e-3)) / n
        if (await pause()) {
          cancelled = true
          break
        }
      }
      if (cancelled) break
      if (run.status !== null) continue // diverged
      const ev = run.endEpoch() // (not inside onEpoch?.(…): that would skip it without a listener)
      opts.onEpoch?.(ev)
      if (await pause()) {
        cancelled = true
        break
      }
    }
  }
  if (cancelled) for (const run of runs) if (run.status === null) run.cancel()
  return runs.map((r) => r.result())
}
