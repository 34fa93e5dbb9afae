// Runs jobs on the WebAssembly kernels in the calling thread, jobs round-robin one epoch at a
// time like the CPU reference, yielding to the event loop every `sliceMs` so a cancel is seen
// promptly. A worker of the pool (src/cpu/worker.ts) runs its share of a run's jobs with this.
// Memory: data in a shared memory (src/model/sharedData.ts) are used in place, the jobs' blocks
// going into a region this thread adds to that memory; other data are copied into a memory of
// the run's own (the feature columns and targets once, then each job's block).
import type { Checkpoint, EpochEvent, TrainData, TrainJob, TrainResult } from '../model/contract.ts'
import { checkJob, shapeOf } from '../model/trainChecks.ts'
import { yieldNow } from '../model/yieldNow.ts'
import { sharedDataOf } from '../model/sharedData.ts'
import { Arena, compiledKernel, instantiate, leaseRegion, memoryFor, releaseRegion, type KernelExports, type Region } from './kernel.ts'
import type { JobMemory } from './wasmJob.ts'
import { jobExtraBytes, WasmJob } from './wasmJob.ts'

export interface RunOptions {
  onEpoch?: (ev: EpochEvent) => void
  /** polled between slices; true = cancel every unfinished job */
  aborted?: () => boolean
  resume?: (Checkpoint | null)[]
  sliceMs?: number
}

/** Bytes the jobs' blocks take (with their alignment). */
function jobsBytes(jobs: TrainJob[], kernels: { layout: { bytes: number } }[]): number {
  const sizing = new Arena()
  jobs.forEach((j, i) => sizing.take(kernels[i].layout.bytes + jobExtraBytes(j)))
  return sizing.size + 1024
}

/** The run's memory: the shared one `data` lives in (with the region leased for the jobs), else a new one with a copy of the data. */
function runMemory(data: TrainData, jobBytes: number): JobMemory & { region: Region | null } {
  const shared = sharedDataOf(data)
  if (shared) {
    const region = leaseRegion(shared.memory, jobBytes)
    return { memory: shared.memory, arena: new Arena(region.start), columns: shared.columns, y: shared.y, region }
  }
  const arena = new Arena()
  const columns = data.columns.map((c) => arena.take(4 * c.length))
  const y = arena.take(4 * data.y.length)
  const memory = memoryFor(arena.size + jobBytes)
  data.columns.forEach((c, f) => new Float32Array(memory.buffer, columns[f], c.length).set(c))
  new Float32Array(memory.buffer, y, data.y.length).set(data.y)
  return { memory, arena, columns, y, region: null }
}

/** Sets up the memory and the jobs' kernels; the jobs are already checked. */
async function setUp(data: TrainData, jobs: TrainJob[], resume: (Checkpoint | null)[] | undefined): Promise<{ runs: WasmJob[]; release: () => void }> {
  const shared = sharedDataOf(data) !== null
  const kernels = await Promise.all(jobs.map((j) => compiledKernel(j.widths, j.batchSize, shared)))
  const mem = runMemory(data, jobsBytes(jobs, kernels))
  const memory = mem.memory
  const release = () => mem.region && releaseRegion(memory, mem.region)
  const instances = new Map<unknown, Promise<KernelExports>>()
  const runs: WasmJob[] = []
  try {
    for (let i = 0; i < jobs.length; i++) {
      const k = kernels[i]
      if (!instances.has(k)) instances.set(k, instantiate(k, memory))
      runs.push(new WasmJob(await instances.get(k)!, k.layout, mem, jobs[i], i, resume?.[i] ?? null))
    }
  } catch (e) {
    release()
    throw e
  }
  return { runs, release }
}

/** Trains `jobs` on `data` here; results in job order. */
export async function runJobs(data: TrainData, jobs: TrainJob[], opts: RunOptions = {}): Promise<TrainResult[]> {
  for (const j of jobs) checkJob(shapeOf(data), j)
  const { runs, release } = await setUp(data, jobs, opts.resume)
  try {
    return await trainAll(runs, opts)
  } finally {
    release()
  }
}

/** Trains the set-up jobs to the end (or a cancel); results in job order. */
async function trainAll(runs: WasmJob[], opts: RunOptions): Promise<TrainResult[]> {
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
