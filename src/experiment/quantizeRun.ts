// Quantising a trained model to int8 and gating it: which loaded rows calibrate the activation
// ranges (the rows the model trained on, from its split record) and which judge it (the rows it
// never saw), the int8 model (src/onnx/quantize.ts), and PLCC/RMSE of int8 vs float32 on the
// gate rows with the platform's evaluator. A model whose PLCC drops past the budget is refused.
import { gather } from '../data/gather.ts'
import { konvidKeyHoldout } from '../data/splits.ts'
import type { TableView } from '../data/table.ts'
import type { SplitRecord } from '../model/trained.ts'
import { plcc, rmse } from '../metrics/index.ts'
import type { CalibrationMethod } from '../onnx/calibrate.ts'
import type { Evaluator, OnnxModelSource } from '../onnx/evaluator.ts'
import type { ExtractedMlp } from '../onnx/mlp.ts'
import { quantizeMlp, QUANT_FORMAT, QUANT_MODE, type QuantizedModel } from '../onnx/quantize.ts'
import { sha256Hex } from '../data/sha256.ts'
import { INPUT_NAME, OUTPUT_NAME } from '../onnx/export.ts'
import { OPSET } from '../onnx/schema.ts'
import type { Sidecar } from '../onnx/sidecar.ts'
import { rowScope } from './rowScope.ts'

/** Default budget: the largest PLCC drop (float32 − int8, gate rows) a quantised model may have. */
export const DEFAULT_MAX_PLCC_DROP = 0.002
/** Without a usable split record: the seeded fraction of whole clips that gates. */
export const DEFAULT_GATE_FRACTION = 0.2

export class QuantizeRefusedError extends Error {
  override name = 'QuantizeRefusedError'
}

export interface QuantRows {
  calibration: Uint32Array
  gate: Uint32Array
  /** true when the gate rows are rows the split record says were held out */
  gateHeldOut: boolean
  /** in words: where both sets came from */
  how: string
}

const rowsWhere = (n: number, keep: (i: number) => boolean) => Uint32Array.from({ length: n }, (_, i) => i).filter(keep)

/**
 * Calibration and gate rows. With a split record: calibrate on the rows it trained on, gate on
 * those it held out. Without one (or when it held none out): gate on a seeded fraction of whole
 * clips, calibrate on the other rows (or, for a model that trained on every row, on all of them).
 */
export function quantRows(table: TableView, split: SplitRecord | null, o: { fraction?: number; seed?: number } = {}): QuantRows {
  const n = table.rows
  const scope = rowScope(split, table)
  if (scope.kind === 'split' && scope.heldOutRows > 0) {
    const calibration = rowsWhere(n, (i) => scope.heldOut[i] === 0)
    if (calibration.length === 0)
      throw new QuantizeRefusedError(`none of the ${n} given rows are rows the model trained on (${scope.description}): give its training data to calibrate`)
    const gate = rowsWhere(n, (i) => scope.heldOut[i] === 1)
    return { calibration, gate, gateHeldOut: true, how: `calibrated on the ${calibration.length} rows the model trained on, gated on the ${gate.length} rows its split held out (${scope.description})` }
  }
  const fraction = o.fraction ?? DEFAULT_GATE_FRACTION
  const seed = o.seed ?? 0
  const keyCodes = table.keyCodes()
  const held = new Set(konvidKeyHoldout([...table.keyNames], fraction, seed))
  const heldKey = table.keyNames.map((k) => held.has(k))
  const gate = rowsWhere(n, (i) => heldKey[keyCodes[i]])
  const clips = `${held.size} of ${table.keyNames.length} clips (${Math.round(fraction * 100)}%, seed ${seed}, whole clips)`
  if (scope.kind === 'split') {
    return { calibration: rowsWhere(n, () => true), gate, gateHeldOut: false, how: `the model trained on every row (${scope.description}): calibrated on all ${n} rows, gated on ${gate.length} rows of ${clips}, which it trained on too` }
  }
  const calibration = rowsWhere(n, (i) => !heldKey[keyCodes[i]])
  if (calibration.length === 0 || gate.length === 0) throw new QuantizeRefusedError(`${table.keyNames.length} clip(s) cannot be split into calibration and gate rows`)
  return { calibration, gate, gateHeldOut: false, how: `no split record: calibrated on all given rows but a seeded ${clips} held back for the gate (${calibration.length} rows calibrate, ${gate.length} gate)` }
}

export interface QuantizeRunInput {
  table: TableView
  /** the float32 model as loaded */
  model: OnnxModelSource
  mlp: Pick<ExtractedMlp, 'params' | 'scaler'>
  features: readonly string[]
  archName?: string
  rows: QuantRows
  method: CalibrationMethod
  percentile?: number
  maxPlccDrop: number
  evaluator: Evaluator
}

export interface QuantGate {
  rows: number
  fp32: { plcc: number; rmse: number }
  int8: { plcc: number; rmse: number }
  /** fp32 PLCC − int8 PLCC */
  plccDrop: number
  /** int8 RMSE − fp32 RMSE */
  rmseDelta: number
  maxPlccDrop: number
  passed: boolean
}

export interface QuantizeRunResult {
  quantized: QuantizedModel
  gate: QuantGate
  ep: string
}

/** Quantise, then evaluate float32 and int8 on the gate rows; `gate.passed` says whether it is within budget. */
export async function quantizeAndGate(o: QuantizeRunInput): Promise<QuantizeRunResult> {
  const F = o.features.length
  const calib = o.table.matrix(o.features, o.rows.calibration)
  const quantized = quantizeMlp({
    params: o.mlp.params, scaler: o.mlp.scaler, features: o.features, archName: o.archName,
    x: calib, rows: o.rows.calibration.length, method: o.method, percentile: o.percentile,
  })
  const gateRows = o.rows.gate
  const x = o.table.matrix(o.features, gateRows)
  const y = gather(o.table.target(), gateRows)
  const fp = await o.evaluator.run(o.model, x, gateRows.length, F, { ep: 'wasm' })
  const q = await o.evaluator.run({ name: o.model.name.replace(/\.onnx$/i, '') + '.int8.onnx', bytes: quantized.bytes }, x, gateRows.length, F, { ep: 'wasm' })
  const fp32 = { plcc: plcc(fp.pred, y), rmse: rmse(fp.pred, y) }
  const int8 = { plcc: plcc(q.pred, y), rmse: rmse(q.pred, y) }
  const plccDrop = fp32.plcc - int8.plcc
  const rmseDelta = int8.rmse - fp32.rmse
  return {
    quantized,
    ep: q.ep,
    gate: { rows: gateRows.length, fp32, int8, plccDrop, rmseDelta, maxPlccDrop: o.maxPlccDrop, passed: Number.isFinite(plccDrop) && plccDrop <= o.maxPlccDrop },
  }
}

/** The float model's sidecar, or the registry fields the file itself gives when there is none. */
export function baseSidecar(o: { sidecar: Sidecar | null; name: string; bytes: Uint8Array; features: readonly string[]; mlp: Pick<ExtractedMlp, 'params' | 'scaler'> }): Sidecar {
  if (o.sidecar) return o.sidecar
  const id = o.name.replace(/\.onnx$/i, '')
  return {
    id, kind: 'fr', onnx: o.name, opset: OPSET, sha256: sha256Hex(o.bytes),
    input_name: INPUT_NAME, input_shape: [-1, o.features.length], output_name: OUTPUT_NAME, output_shape: [-1], features: [...o.features],
    ...(o.mlp.scaler ? { input_mean: o.mlp.scaler.mean, input_std: o.mlp.scaler.std } : {}),
    widths: [...o.mlp.params.widths],
    notes: `${id}: no sidecar beside the model; fields read from the ONNX file`,
  }
}

export interface QuantSidecarInput {
  run: QuantizeRunResult
  rows: QuantRows
  method: CalibrationMethod
  percentile?: number
  /** the int8 file's name */
  int8Name: string
  /** the names of the files the rows came from */
  files: readonly string[]
  /** e.g. "onnxruntime-node cpu" */
  runtime: string
}

/** The registry's quant fields and our quantization block (what the int8 sidecar adds to the float one's). */
export function quantSidecarFields(o: QuantSidecarInput) {
  const g = o.run.gate
  const calibrationSet = `${o.method === 'minmax' ? 'minmax' : `percentile ${o.percentile}`} over ${o.rows.calibration.length} rows of ${o.files.join(', ')}`.slice(0, 256)
  return {
    quant_mode: QUANT_MODE,
    int8_sha256: sha256Hex(o.run.quantized.bytes),
    quant_calibration_set: calibrationSet,
    quant_accuracy_budget_plcc: g.maxPlccDrop,
    quantization: {
      format: QUANT_FORMAT, int8_onnx: o.int8Name, calibration: o.method, ...(o.method === 'percentile' ? { percentile: o.percentile } : {}),
      calibration_rows: o.rows.calibration.length, gate_rows: g.rows, gate_rows_held_out: o.rows.gateHeldOut, rows: o.rows.how,
      fp32: g.fp32, int8: g.int8, plcc_drop: g.plccDrop, rmse_delta: g.rmseDelta, runtime: o.runtime,
    },
  }
}

/** The gate in one line: PLCC and RMSE float32 → int8, the drop against the budget, the rows. */
export function gateText(g: QuantGate): string {
  return `PLCC ${g.fp32.plcc.toFixed(6)} → ${g.int8.plcc.toFixed(6)} (drop ${g.plccDrop.toExponential(3)}, budget ${g.maxPlccDrop}), RMSE ${g.fp32.rmse.toFixed(4)} → ${g.int8.rmse.toFixed(4)} (Δ ${g.rmseDelta >= 0 ? '+' : ''}${g.rmseDelta.toExponential(3)}) on ${g.rows} gate rows`
}
