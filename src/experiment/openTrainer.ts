// One way to get a trainer, for every front end: the train worker (WebGPU in the page), the page
// API and the CLI (WebGPU in headless Chromium). The platform supplies how to open its GPU engine
// and its CPU trainer; this module decides between them and says why.
//   gpu  — the WGSL engine or an error with the reason;
//   cpu  — the CPU trainer (the WebAssembly one where the platform has workers, else the reference);
//   auto — an AutoTrainer: each train() call goes to the engine chooseEngine (engineChoice.ts) says
//          is faster for its architectures and model count on this adapter, measured by bench:archs;
//          without a GPU adapter, the CPU trainer with the GPU's reason.
import { CpuTrainer } from '../model/trainCpu.ts'
import type { TrainData, Trainer, TrainJob, TrainOptions, TrainResult } from '../model/contract.ts'
import { chooseEngine, workOf, type EngineChoice, type GpuProbe } from './engineChoice.ts'

export { chooseEngine, type EngineChoice, type GpuProbe } from './engineChoice.ts'

export const TRAINER_POLICIES = ['gpu', 'cpu', 'auto'] as const
export type TrainerPolicy = (typeof TRAINER_POLICIES)[number]

/** A GPU engine that opened (and whether its adapter is a software one), or why it did not. */
export type GpuOpening = { trainer: Trainer; close?: () => Promise<void>; software?: boolean } | { reason: string }

export interface OpenedTrainer {
  trainer: Trainer
  /** the device in words, e.g. the adapter's description or "CPU reference (JS)" */
  device: string
  /** why this trainer: the policy, and for a fallback the GPU's reason */
  why: string
  /** true when auto fell back from the GPU to the CPU (the front end shows `why` as a notice) */
  fellBack: boolean
  /** start-up cost (opening the GPU engine, or probing the adapter for auto) */
  startupMs: number
  close(): Promise<void>
}

/** The GPU side could not be opened and the policy was gpu. */
export class GpuUnavailableError extends Error {
  override name = 'GpuUnavailableError'
}

export interface OpenTrainerOptions {
  /** how this platform opens its GPU engine; called at most once */
  openGpu: () => Promise<GpuOpening>
  /** how this platform opens its CPU trainer (the WebAssembly one on workers); default the CPU reference */
  openCpu?: () => Trainer
  /** auto: what the adapter is, without compiling anything; without it auto opens the engine to find out */
  probeGpu?: () => Promise<GpuProbe>
  /** auto: each run's choice and its sentence, before the run trains */
  onChoice?: (choice: EngineChoice) => void
}

const SOFTWARE_WORDS = /swiftshader|software fallback/i

/** What an opened GPU engine tells about its adapter. */
function probeOf(g: GpuOpening): GpuProbe {
  if ('reason' in g) return { ok: false, reason: g.reason }
  return { ok: true, software: g.software ?? SOFTWARE_WORDS.test(g.trainer.description), adapter: g.trainer.description }
}

const closeOf = (g: Extract<GpuOpening, { trainer: Trainer }>) => g.close ?? (async () => g.trainer.dispose())

/**
 * auto on a machine with a GPU adapter: every train() call picks its engine from its jobs
 * (chooseEngine), says so through onChoice, and trains there. The engines open on first use;
 * on a hardware adapter the GPU engine starts opening at once (its pipelines compile while the
 * data loads). Calls are serialised, like every trainer's.
 */
export class AutoTrainer implements Trainer {
  /** the latest run's choice (null before the first run) */
  choice: EngineChoice | null = null
  private current: Trainer | null = null
  private cpu: Trainer | null = null
  private gpu: Promise<GpuOpening> | null
  private busy: Promise<unknown> = Promise.resolve()

  constructor(
    readonly probe: Extract<GpuProbe, { ok: true }>,
    private readonly opts: OpenTrainerOptions,
    opened: GpuOpening | null,
  ) {
    this.gpu = opened ? Promise.resolve(opened) : probe.software ? null : opts.openGpu()
  }

  get kind(): Trainer['kind'] {
    return this.current?.kind ?? 'cpu'
  }

  get description(): string {
    return this.current?.description ?? `auto: the WebGPU engine or the CPU trainer, whichever bench:archs measured faster for the run on ${this.probe.software ? 'a software adapter' : 'this GPU'}`
  }

  private cpuTrainer(): Trainer {
    return (this.cpu ??= this.opts.openCpu ? this.opts.openCpu() : new CpuTrainer())
  }

  private async pick(jobs: TrainJob[]): Promise<Trainer> {
    let choice = chooseEngine(this.probe, workOf(jobs))
    let trainer: Trainer | null = null
    if (choice.engine === 'gpu') {
      const g = await (this.gpu ??= this.opts.openGpu())
      if ('trainer' in g) trainer = g.trainer
      else choice = { engine: 'cpu', why: `${choice.why}; but the WebGPU engine could not start (${g.reason}) — training on the CPU trainer instead`, ratio: null }
    }
    trainer ??= this.cpuTrainer()
    this.choice = choice
    this.current = trainer
    this.opts.onChoice?.(choice)
    return trainer
  }

  train(data: TrainData, jobs: TrainJob[], opts?: TrainOptions): Promise<TrainResult[]> {
    const run = this.busy.then(async () => (await this.pick(jobs)).train(data, jobs, opts))
    this.busy = run.catch(() => undefined)
    return run
  }

  async close(): Promise<void> {
    this.cpu?.dispose()
    const g = await this.gpu?.catch(() => null)
    if (g && 'trainer' in g) await closeOf(g)()
  }

  dispose(): void {
    void this.close()
  }
}

function cpuTrainer(reason: string, fellBack: boolean, open?: () => Trainer): OpenedTrainer {
  const trainer = open ? open() : new CpuTrainer()
  const why = fellBack ? `${reason} — training on the ${trainer.description} instead` : reason
  return { trainer, device: trainer.description, why, fellBack, startupMs: 0, close: async () => trainer.dispose() }
}

/** A trainer for `policy`; throws GpuUnavailableError (with the reason) when gpu was asked for and none opens. */
export async function openTrainer(policy: TrainerPolicy, opts: OpenTrainerOptions): Promise<OpenedTrainer> {
  if (policy === 'cpu') return cpuTrainer('the CPU trainer was asked for', false, opts.openCpu)
  const t0 = performance.now()
  if (policy === 'gpu') {
    const g = await opts.openGpu()
    if ('reason' in g) throw new GpuUnavailableError(g.reason)
    const ms = performance.now() - t0
    return { trainer: g.trainer, device: g.trainer.description, why: 'the WebGPU engine was asked for', fellBack: false, startupMs: ms, close: closeOf(g) }
  }
  const opened = opts.probeGpu ? null : await opts.openGpu()
  const probe = opened ? probeOf(opened) : await opts.probeGpu!()
  const ms = performance.now() - t0
  if (!probe.ok) return { ...cpuTrainer(`WebGPU unavailable: ${probe.reason}`, true, opts.openCpu), startupMs: ms }
  const auto = new AutoTrainer(probe, opts, opened)
  const on = probe.software ? 'a software adapter' : 'a GPU'
  return {
    trainer: auto,
    device: auto.description,
    why: `auto: ${on} (${probe.adapter}); each run trains on the engine measured faster for its architectures`,
    fellBack: false,
    startupMs: ms,
    close: () => auto.close(),
  }
}
