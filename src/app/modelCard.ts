// What a model card says about how a model was made, read from its training record (models trained
// here) or its sidecar (dropped ones): epochs completed of those planned, the split, the final
// losses and whether the run converged (src/model/convergence.ts). Plain TS, no state.
import { convergenceOf, type Convergence } from '../model/convergence.ts'
import { savedSplit, type SplitRecord } from '../model/splitRecord.ts'
import type { TrainedModel } from '../model/trained.ts'
import { sidecarSplit, type Sidecar } from '../onnx/sidecar.ts'

export interface ModelCard {
  /** epochs trained (null: unknown) */
  epochs: number | null
  /** epochs the run asked for; more than `epochs` when it was stopped early */
  plannedEpochs: number | null
  /** the split in a few words, e.g. "NightGrain held out" (null: unknown) */
  split: string | null
  /** the split in full, for a tooltip */
  splitDescription: string | null
  finalTrainLoss: number | null
  finalValLoss: number | null
  /** null when there is no loss history to judge */
  convergence: Convergence | null
  /** an int8 model: its registry quant fields and the gate it passed (from its sidecar) */
  quant: { mode: string; plccDrop: number | null; rmseDelta: number | null; budget: number | null; gateRows: number | null } | null
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/** The quant fields of a sidecar (null for a float model). */
function quantOf(s: Sidecar | null): ModelCard['quant'] {
  if (!s || typeof s.quant_mode !== 'string') return null
  const q = (s.quantization ?? {}) as Record<string, unknown>
  return { mode: s.quant_mode, plccDrop: num(q.plcc_drop), rmseDelta: num(q.rmse_delta), budget: num(s.quant_accuracy_budget_plcc), gateRows: num(q.gate_rows) }
}

const finite = (v: number | null | undefined) => (v !== null && v !== undefined && Number.isFinite(v) ? v : null)

/** "NightGrain held out", "34 konvid clips held out", "no rows held out" — from the recorded split. */
function shortSplit(rec: SplitRecord): string | null {
  if (rec.mode === 'unknown') return null
  const parts = [...rec.heldOutSources]
  if (rec.heldOutKeys?.length) parts.push(`${rec.heldOutKeys.length} konvid clips`)
  return parts.length ? `${parts.join(' + ')} held out` : 'no rows held out'
}

/** The split a model records: its training record, else its sidecar (unknown when neither has one). */
export function splitOf(trained: TrainedModel | null, sidecar: Sidecar | null): SplitRecord | null {
  // models saved before splits were recorded hold the split as text: unknown
  const own = trained ? savedSplit(trained.training.split) : null
  const rec = own ?? (sidecar ? sidecarSplit(sidecar) : null)
  return rec && rec.mode !== 'unknown' ? rec : null
}

export function modelCard(trained: TrainedModel | null, sidecar: Sidecar | null): ModelCard {
  const t = sidecar?.training
  const trainLoss = trained?.training.trainLoss ?? null
  const valLoss = trained?.training.valLoss ?? null
  const rec = splitOf(trained, sidecar)
  return {
    epochs: trainLoss ? trainLoss.length : (t?.epochs ?? null),
    plannedEpochs: trained ? trained.training.epochs : (t?.epochs ?? null),
    split: rec ? shortSplit(rec) : null,
    splitDescription: rec?.description ?? (typeof t?.split === 'string' ? `${t.split} (no split record)` : null),
    finalTrainLoss: finite(trainLoss ? trainLoss.at(-1) : t?.final?.train_loss),
    finalValLoss: finite(valLoss ? valLoss.at(-1) : t?.final?.val_loss),
    convergence: trainLoss && trainLoss.length ? convergenceOf({ trainLoss }) : null,
    quant: quantOf(sidecar),
  }
}

/** A name people can tell apart: "mlp_small · 30 epochs · NightGrain held out · seed 0". */
export function readableName(m: TrainedModel): string {
  const done = m.training.trainLoss.length
  const epochs = done < m.training.epochs ? `${done} of ${m.training.epochs} epochs` : `${done} epochs`
  const split = shortSplit(m.training.split)
  return [m.arch.name, epochs, split, `seed ${m.training.seed}`].filter(Boolean).join(' · ')
}
