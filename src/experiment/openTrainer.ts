// One way to get a trainer, for every front end: the train worker (WebGPU in the page), the page
// API and the CLI (WebGPU in headless Chromium). The platform supplies how to open its GPU engine;
// this module decides between it and the CPU reference and says why.
//   gpu  — the WGSL engine or an error with the reason;
//   cpu  — the CPU reference;
//   auto — chooseEngine() decides from what is available (today: the GPU whenever it opens).
import { CpuTrainer } from '../model/trainCpu.ts'
import type { Trainer } from '../model/contract.ts'

export const TRAINER_POLICIES = ['gpu', 'cpu', 'auto'] as const
export type TrainerPolicy = (typeof TRAINER_POLICIES)[number]

/** A GPU engine that opened, or why it did not. */
export type GpuOpening = { trainer: Trainer; close?: () => Promise<void> } | { reason: string }

export interface OpenedTrainer {
  trainer: Trainer
  /** the device in words, e.g. the adapter's description or "CPU reference (JS)" */
  device: string
  /** why this trainer: the policy, and for a fallback the GPU's reason */
  why: string
  /** true when auto fell back from the GPU to the CPU (the front end shows `why` as a notice) */
  fellBack: boolean
  /** start-up cost (opening the GPU engine: browser, device, pipelines) */
  startupMs: number
  close(): Promise<void>
}

/** The GPU side could not be opened and the policy was gpu. */
export class GpuUnavailableError extends Error {
  override name = 'GpuUnavailableError'
}

export interface EngineChoice {
  engine: 'gpu' | 'cpu'
  why: string
}

/**
 * The auto decision, in one place: the GPU engine when it opened, else the CPU reference with the
 * GPU's reason. (What runs faster where — e.g. per architecture — belongs here.)
 */
export function chooseEngine(gpu: { ok: true } | { ok: false; reason: string }): EngineChoice {
  if (gpu.ok) return { engine: 'gpu', why: 'auto: the WebGPU engine is available' }
  return { engine: 'cpu', why: `WebGPU unavailable: ${gpu.reason}` }
}

export interface OpenTrainerOptions {
  /** how this platform opens its GPU engine; called at most once */
  openGpu: () => Promise<GpuOpening>
  /** how this platform opens its CPU trainer (the WebAssembly one on workers); default the CPU reference */
  openCpu?: () => Trainer
}

function cpuTrainer(reason: string, fellBack: boolean, open?: () => Trainer): OpenedTrainer {
  const trainer = open ? open() : new CpuTrainer()
  const why = fellBack ? `${reason} — training on the ${trainer.description} instead` : reason
  return { trainer, device: trainer.description, why, fellBack, startupMs: 0, close: async () => trainer.dispose() }
}

function gpuOpened(g: Extract<GpuOpening, { trainer: Trainer }>, why: string, startupMs: number): OpenedTrainer {
  return {
    trainer: g.trainer,
    device: g.trainer.description,
    why,
    fellBack: false,
    startupMs,
    close: g.close ?? (async () => g.trainer.dispose()),
  }
}

/** A trainer for `policy`; throws GpuUnavailableError (with the reason) when gpu was asked for and none opens. */
export async function openTrainer(policy: TrainerPolicy, opts: OpenTrainerOptions): Promise<OpenedTrainer> {
  if (policy === 'cpu') return cpuTrainer('the CPU trainer was asked for', false, opts.openCpu)
  const t0 = performance.now()
  const g = await opts.openGpu()
  const ms = performance.now() - t0
  if (policy === 'gpu') {
    if ('reason' in g) throw new GpuUnavailableError(g.reason)
    return gpuOpened(g, 'the WebGPU engine was asked for', ms)
  }
  const choice = chooseEngine('trainer' in g ? { ok: true } : { ok: false, reason: g.reason })
  if (choice.engine === 'gpu' && 'trainer' in g) return gpuOpened(g, choice.why, ms)
  if ('trainer' in g) await (g.close ?? (async () => g.trainer.dispose()))()
  return cpuTrainer(choice.why, true, opts.openCpu)
}
