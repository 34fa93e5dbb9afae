// The sidecar `<id>.json`: the registry format of the fork's tiny-model sidecars (id, kind, onnx,
// opset, sha256, input/output names and shapes, features, input_mean/std, arch, n_params, notes)
// plus our `widths`, the provenance (`dataset` with the input files' sha256, and the `experiment`,
// `arm` and `fold` that produced the model) and the `training` block. parseSidecar reads any
// registry sidecar (ours or published ones) and says plainly what is wrong with a bad one.
import { describeWidths, paramCount } from '../model/arch.ts'
import { checkSplitFields, decodeSplitRecord, encodeSplitRecord, SplitRecordError, type SplitFields, type SplitRecord, type SplitRecordJson } from '../model/splitRecord.ts'
import type { TrainedModel } from '../model/trained.ts'
import { SidecarError } from './errors.ts'
import { INPUT_NAME, OUTPUT_NAME } from './export.ts'
import { OPSET } from './schema.ts'
import { sha256Hex } from '../data/sha256.ts'
import type { GroupMetrics, Metrics } from '../metrics/index.ts'

/** The training block; its `split` and `split_record` are src/model/splitRecord.ts's SplitFields. */
export interface TrainingBlock extends SplitFields {
  seed: number
  epochs: number
  batch_size: number
  lr: number
  scaler_mode: 'standard' | 'raw'
  input_files: { name: string; sha256: string; rows: number }[]
  train_rows: number
  val_rows: number
  steps: number
  device: string
  wall_ms: number
  created_at: string
  /** losses after the last epoch (MSE; val NaN → null when there was no validation set) */
  final: { train_loss: number | null; val_loss: number | null }
  /** evaluation metrics when the sidecar is written after an evaluation */
  metrics?: GroupMetrics | Metrics
}

export type { SplitRecordJson }

export interface Sidecar {
  id: string
  kind: string
  onnx: string
  opset: number
  sha256: string
  input_name: string
  input_shape: number[]
  output_name: string
  output_shape: number[]
  features: string[]
  input_mean?: number[]
  input_std?: number[]
  arch?: string
  widths?: number[]
  n_params?: number
  notes?: string
  /** corpora of the training rows, e.g. "nflx+konvid" */
  dataset?: string
  /** the input files the training rows came from, with their sha256 */
  dataset_files?: { name: string; sha256: string; rows: number }[]
  experiment?: string
  arm?: string
  fold?: string
  training?: TrainingBlock
  /** published sidecars carry more (quant_mode, int8_sha256…): kept as they are */
  [extra: string]: unknown
}

const finiteOrNull = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null)

/** The sidecar of an exported model; `onnxBytes` is what exportOnnx returned for it. */
export function sidecar(model: TrainedModel, onnxBytes: Uint8Array, metrics?: GroupMetrics | Metrics): Sidecar {
  const t = model.training
  const F = model.features.length
  const n = paramCount(model.arch.widths)
  const scalerText = model.scaler ? 'StandardScaler baked into the graph (Sub/Div)' : 'raw features (no scaler)'
  return {
    id: model.id,
    kind: 'fr',
    onnx: `${model.id}.onnx`,
    opset: OPSET,
    sha256: sha256Hex(onnxBytes),
    input_name: INPUT_NAME,
    input_shape: [-1, F],
    output_name: OUTPUT_NAME,
    output_shape: [-1],
    features: [...model.features],
    // the raw recipe feeds features unscaled: the identity scaler says so to registry readers
    input_mean: model.scaler ? [...model.scaler.mean] : new Array(F).fill(0),
    input_std: model.scaler ? [...model.scaler.std] : new Array(F).fill(1),
    arch: model.arch.name,
    widths: [...model.arch.widths],
    n_params: n,
    ...provenanceFields(model),
    notes:
      `${model.id} — ${F} features + ${scalerText} + ${model.arch.name} ${describeWidths(model.arch.widths)} ` +
      `(${n} params), ${t.epochs} epochs Adam @ lr=${t.lr}, batch ${t.batchSize}, MSE, seed ${t.seed}; ` +
      `trained in vmaf-tiny-lab on ${t.device}.`,
    training: {
      seed: t.seed,
      epochs: t.epochs,
      batch_size: t.batchSize,
      lr: t.lr,
      scaler_mode: t.scalerMode,
      ...encodeSplitRecord(t.split),
      input_files: t.inputFiles.map((f) => ({ name: f.name, sha256: f.sha256, rows: f.rows })),
      train_rows: t.trainRows,
      val_rows: t.valRows,
      steps: t.steps,
      device: t.device,
      wall_ms: t.wallMs,
      created_at: model.createdAt,
      final: { train_loss: finiteOrNull(t.trainLoss.at(-1)), val_loss: finiteOrNull(t.valLoss.at(-1)) },
      ...(metrics ? { metrics } : {}),
    },
  }
}

/** The split a sidecar records; "unknown" for sidecars without one (published models, older exports). */
export function sidecarSplit(s: Sidecar, file = `${s.id}.json`): SplitRecord {
  return decodeSplitRecord(s.training, file)
}

function provenanceFields(model: TrainedModel): Partial<Sidecar> {
  const p = model.training.provenance
  if (!p) return {}
  const out: Partial<Sidecar> = {
    dataset: p.dataset,
    dataset_files: model.training.inputFiles.map((f) => ({ name: f.name, sha256: f.sha256, rows: f.rows })),
  }
  if (p.experiment !== undefined) out.experiment = p.experiment
  if (p.arm !== undefined) out.arm = p.arm
  if (p.fold !== undefined) out.fold = p.fold
  return out
}

export function sidecarJson(s: Sidecar): string {
  return JSON.stringify(s, null, 2) + '\n'
}

const isNumArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number')

/** Parse and check a registry sidecar; SidecarError names `file` and the bad field. */
export function parseSidecar(text: string, file = 'sidecar.json'): Sidecar {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (e) {
    throw new SidecarError(file, `not JSON (${(e as Error).message})`)
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new SidecarError(file, 'not a JSON object')
  const s = raw as Record<string, unknown>
  const bad = (field: string, want: string) => new SidecarError(file, `field "${field}" must be ${want}`)
  if (typeof s.id !== 'string' || !s.id) throw bad('id', 'a non-empty string')
  if (!Array.isArray(s.features) || !s.features.length || !s.features.every((f) => typeof f === 'string'))
    throw bad('features', 'a non-empty list of column names')
  for (const k of ['onnx', 'input_name', 'output_name', 'sha256', 'kind', 'arch', 'notes', 'dataset', 'experiment', 'arm', 'fold'])
    if (s[k] !== undefined && typeof s[k] !== 'string') throw bad(k, 'a string')
  for (const k of ['input_shape', 'output_shape', 'input_mean', 'input_std', 'widths'])
    if (s[k] !== undefined && !isNumArray(s[k])) throw bad(k, 'a list of numbers')
  const F = s.features.length
  for (const k of ['input_mean', 'input_std'])
    if (s[k] !== undefined && (s[k] as number[]).length !== F)
      throw new SidecarError(file, `"${k}" has ${(s[k] as number[]).length} values for ${F} features`)
  try {
    checkSplitFields(s.training, file)
  } catch (e) {
    if (e instanceof SplitRecordError) throw new SidecarError(file, `field "${e.field}" ${e.problem}`)
    throw e
  }
  return {
    kind: 'fr',
    onnx: `${s.id}.onnx`,
    opset: OPSET,
    sha256: '',
    input_name: INPUT_NAME,
    input_shape: [-1, F],
    output_name: OUTPUT_NAME,
    output_shape: [-1],
    ...s,
  } as Sidecar
}
