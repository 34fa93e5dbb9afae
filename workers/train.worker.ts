// Training worker: a thin comlink adapter over a Trainer. openTrainer('auto') picks the WGSL engine
// when WebGPU works here, else the CPU reference with a plain notice; streams per-epoch events back; and
// cancels through an AbortSignal (the trainers yield often enough to receive the message).
// After a device loss the trainer is dropped, so the next run (a resume) asks for a new device.
import * as Comlink from 'comlink'
import type { Checkpoint, EpochEvent, TrainData, Trainer, TrainJob, TrainResult } from '../src/model/contract.ts'
import { gpuTrainer } from '../src/engine/index.ts'
import { openTrainer } from '../src/experiment/openTrainer.ts'

export interface TrainerInfo {
  kind: Trainer['kind']
  description: string
  /** shown to the user when training falls back to the CPU */
  notice: string | null
}

let current: Promise<{ trainer: Trainer; info: TrainerInfo }> | null = null
let controller: AbortController | null = null

async function pick(): Promise<{ trainer: Trainer; info: TrainerInfo }> {
  const { trainer, device, why, fellBack } = await openTrainer('auto', { openGpu: gpuTrainer })
  return { trainer, info: { kind: trainer.kind, description: device, notice: fellBack ? why : null } }
}

function ensure() {
  current ??= pick()
  return current
}

const api = {
  /** Choose the trainer and compile its pipelines; call early, while the data loads. */
  async prepare(): Promise<TrainerInfo> {
    return (await ensure()).info
  },

  async train(
    data: TrainData,
    jobs: TrainJob[],
    onEpoch: (ev: EpochEvent) => void,
    resume?: (Checkpoint | null)[],
  ): Promise<{ results: TrainResult[]; info: TrainerInfo }> {
    const { trainer, info } = await ensure()
    controller?.abort()
    const ctl = new AbortController()
    controller = ctl
    try {
      const results = await trainer.train(data, jobs, { onEpoch, signal: ctl.signal, resume })
      if (results.some((r) => r.status === 'device-lost')) {
        trainer.dispose()
        current = null
      }
      return { results, info }
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
