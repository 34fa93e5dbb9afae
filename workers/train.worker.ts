// Training worker: a thin comlink adapter over a Trainer. openTrainer('auto') trains each run on the
// engine that bench:archs measured faster for its architectures on this adapter — the WGSL engine
// or the WebAssembly trainer (its own Web Workers, one per core) — and says which and why; without
// WebGPU it trains on the WebAssembly trainer with a plain notice. prepare('gpu' | 'cpu') forces one.
// Streams per-epoch events back and cancels through an AbortSignal (the trainers yield often enough
// to receive the message). After a device loss the trainer is dropped, so the next run (a resume)
// asks for a new device.
import * as Comlink from 'comlink'
import type { Checkpoint, EpochEvent, TrainData, Trainer, TrainJob, TrainResult } from '../src/model/contract.ts'
import { receivedTrainData, type SharedTrainData } from '../src/model/sharedData.ts'
import { browserWasmTrainer } from '../src/cpu/browserWorker.ts'
import { gpuTrainer, probeGpu } from '../src/engine/index.ts'
import { AutoTrainer, openTrainer, TRAINER_POLICIES, type TrainerPolicy } from '../src/experiment/openTrainer.ts'

export interface TrainerInfo {
  kind: Trainer['kind']
  description: string
  /** shown to the user: why auto picked this engine, or why training fell back to the CPU */
  notice: string | null
  /** how the last run's rows reached this worker: the page's shared memory itself, or a copy
   *  (structured clone: the page is not cross-origin isolated, or its data were not shared) */
  rowsFrom?: 'shared memory' | 'copy'
}

let current: Promise<{ trainer: Trainer; info: TrainerInfo }> | null = null
let policy: TrainerPolicy = 'auto'
let controller: AbortController | null = null

async function pick(): Promise<{ trainer: Trainer; info: TrainerInfo }> {
  const { trainer, device, why, fellBack } = await openTrainer(policy, { openGpu: gpuTrainer, probeGpu, openCpu: () => browserWasmTrainer() })
  return { trainer, info: { kind: trainer.kind, description: device, notice: fellBack ? why : null } }
}

function ensure() {
  current ??= pick()
  return current
}

/** What the latest run trained on (auto decides per run) and its sentence. */
function infoAfter(trainer: Trainer, info: TrainerInfo): TrainerInfo {
  if (!(trainer instanceof AutoTrainer) || !trainer.choice) return info
  return { kind: trainer.kind, description: trainer.description, notice: trainer.choice.why }
}

const api = {
  /** Choose the trainer ('auto' unless the page forces 'gpu' or 'cpu'); call early, while the data loads. */
  async prepare(force?: string | null): Promise<TrainerInfo> {
    const p = (TRAINER_POLICIES as readonly string[]).includes(force ?? '') ? (force as TrainerPolicy) : 'auto'
    if (p !== policy && current) {
      ;(await current.catch(() => null))?.trainer.dispose()
      current = null
    }
    policy = p
    return (await ensure()).info
  },

  async train(
    data: SharedTrainData | TrainData,
    jobs: TrainJob[],
    onEpoch: (ev: EpochEvent) => void,
    resume?: (Checkpoint | null)[],
  ): Promise<{ results: TrainResult[]; info: TrainerInfo }> {
    const { trainer, info } = await ensure()
    controller?.abort()
    const ctl = new AbortController()
    controller = ctl
    try {
      // onEpoch is a Comlink proxy on its own message channel: the result could overtake the last
      // epochs' events, so the answer waits until the page has taken every one of them
      const delivered: Promise<unknown>[] = []
      const forward = (ev: EpochEvent) => void delivered.push(Promise.resolve(onEpoch(ev) as unknown).catch(() => {}))
      const results = await trainer.train(receivedTrainData(data), jobs, { onEpoch: forward, signal: ctl.signal, resume })
      await Promise.all(delivered)
      const after: TrainerInfo = { ...infoAfter(trainer, info), rowsFrom: 'memory' in data ? 'shared memory' : 'copy' }
      if (results.some((r) => r.status === 'device-lost')) {
        trainer.dispose()
        current = null
      }
      return { results, info: after }
    } finally {
      if (controller === ctl) controller = null
    }
  },

  cancel(): void {
    controller?.abort()
  },
}

export type TrainWorkerApi = typeof api

Comlink.expose(api)
