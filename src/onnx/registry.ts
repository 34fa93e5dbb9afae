// "Export for registry": models as the libvmaf fork's tiny-model registry wants them — each as
// `<id>.onnx` + `<id>.json` (its sidecar) beside a `registry.json` (schema_version 1) that lists
// them with their sha256. Ids are readable (arch, experiment, arm, fold, seed), lowercase, at most
// 64 characters and unique: the registry schema's `^[a-z0-9][a-z0-9_-]*$`. Pure: returns the files
// (name → bytes) for the app to zip and the CLI to write.
import { CORPORA, type TableView } from '../data/table.ts'
import { sha256Hex } from '../data/sha256.ts'
import { paramCount } from '../model/arch.ts'
import { sidecarJson, type Sidecar } from './sidecar.ts'
import { OPSET } from './schema.ts'

export const REGISTRY_FILE = 'registry.json'
export const REGISTRY_SCHEMA_VERSION = 1
export const MAX_ID_LENGTH = 64
export const ID_PATTERN = /^[a-z0-9][a-z0-9_-]*$/
const MAX_NOTES = 512
/** The license the fork records for models trained for it (libvmaf's own). */
export const DEFAULT_LICENSE = 'BSD-3-Clause-Plus-Patent'

export class RegistryError extends Error {
  override name = 'RegistryError'
}

export interface RegistryEntry {
  id: string
  kind: string
  onnx: string
  sha256: string
  opset: number
  license: string
  notes: string
  /** set for a model shipped with an int8 file `<id>.int8.onnx` (registry.schema.json) */
  quant_mode?: string
  int8_sha256?: string
  quant_calibration_set?: string
  quant_accuracy_budget_plcc?: number
}

export interface RegistryJson {
  schema_version: typeof REGISTRY_SCHEMA_VERSION
  models: RegistryEntry[]
}

export interface RegistryModel {
  onnx: Uint8Array
  sidecar: Sidecar
  /** its int8 companion, written as `<id>.int8.onnx` */
  int8?: RegistryInt8
}

export interface RegistryInt8 {
  bytes: Uint8Array
  /** the registry's quant_mode ("static" for calibrated QDQ) */
  mode: string
  /** what the activation ranges were calibrated on (at most 256 characters) */
  calibrationSet: string
  budgetPlcc: number
}

function int8Fields(q: RegistryInt8 | undefined): Partial<RegistryEntry> {
  if (!q) return {}
  return { quant_mode: q.mode, int8_sha256: sha256Hex(q.bytes), quant_calibration_set: q.calibrationSet.slice(0, 256), quant_accuracy_budget_plcc: q.budgetPlcc }
}

export interface RegistryOptions {
  models: readonly RegistryModel[]
  /** SPDX id recorded per entry (default: libvmaf's, as the fork does for its own models) */
  license?: string
}

/** "nflx", "konvid" or "nflx+konvid": the corpora present among `rows` of `table`, in CORPORA order. */
export function trainingDataset(table: TableView, rows: ArrayLike<number>): string {
  const codes = table.corpusCodes()
  const seen = new Set<number>()
  for (let i = 0; i < rows.length && seen.size < CORPORA.length; i++) seen.add(codes[rows[i]])
  return CORPORA.filter((_, c) => seen.has(c)).join('+')
}

/** Lowercase, accents dropped, every run of other characters one '-', no '-' or '_' at the ends. */
export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
}

function archPart(s: Sidecar): string {
  if (s.arch === 'custom' && s.widths && s.widths.length > 2) return `custom_${s.widths.slice(1, -1).join('_')}`
  return s.arch ?? 'model'
}

/** `text` cut to at most `max` characters, never ending in '-' or '_'. */
function cut(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max).replace(/[-_]+$/, '')
}

/** `<arch>-<experiment>-<arm>-<fold>-s<seed>`, the experiment then the fold shortened past 64 characters. */
function experimentId(s: Sidecar): string {
  const seed = s.training?.seed
  const parts = {
    arch: slug(archPart(s)),
    experiment: slug(s.experiment ?? ''),
    arm: slug(s.arm ?? ''),
    fold: slug(s.fold ?? ''),
    seed: seed === undefined ? '' : `s${seed}`,
  }
  const joined = () => [parts.arch, parts.experiment, parts.arm, parts.fold, parts.seed].filter(Boolean).join('-')
  if (joined().length > MAX_ID_LENGTH) parts.experiment = cut(parts.experiment, 20)
  const over = joined().length - MAX_ID_LENGTH
  if (over > 0) parts.fold = cut(parts.fold, Math.max(4, parts.fold.length - over))
  return joined()
}

/**
 * A model's registry id: `<arch>-<experiment>-<arm>-<fold>-s<seed>` for models an experiment
 * produced (e.g. `mlp_small-foxbird-b-nightgrain-s0`), else its own id made lowercase. Past 64
 * characters the experiment and the fold are shortened first; what is still too long is cut and
 * given a short hash of the full id, so different models keep different ids.
 */
export function registryId(s: Sidecar): string {
  let full = s.experiment === undefined ? slug(s.id) : experimentId(s)
  if (!full) full = 'model'
  if (full.length <= MAX_ID_LENGTH) return full
  const hash = sha256Hex(new TextEncoder().encode(full)).slice(0, 6)
  return `${cut(full, MAX_ID_LENGTH - hash.length - 1)}-${hash}`
}

/** Registry ids for `sidecars` in order, unique: repeats get -2, -3, … (still at most 64 characters). */
export function registryIds(sidecars: readonly Sidecar[]): string[] {
  const used = new Set<string>()
  return sidecars.map((s) => {
    const base = registryId(s)
    let id = base
    for (let k = 2; used.has(id); k++) id = `${cut(base, MAX_ID_LENGTH - String(k).length - 1)}-${k}`
    used.add(id)
    return id
  })
}

/** The entry's notes: what the model is and where it came from, ASCII, at most 512 characters. */
export function registryNotes(s: Sidecar): string {
  const t = s.training
  const widths = s.widths?.join('-')
  const params = s.n_params ?? (s.widths ? paramCount(s.widths) : undefined)
  const parts = [`${s.arch ?? 'MLP'}${widths ? ` ${widths}` : ''}${params ? ` (${params} params)` : ''} trained in vmaf-tiny-lab`]
  if (s.experiment !== undefined)
    parts.push(`experiment ${s.experiment}${s.arm !== undefined ? `, arm ${s.arm}` : ''}${s.fold !== undefined ? `, fold ${s.fold}` : ''}`)
  if (t) parts.push(`seed ${t.seed}, ${t.epochs} epochs Adam lr ${t.lr}, batch ${t.batch_size}, ${t.scaler_mode} scaler`)
  const files = s.dataset_files ?? t?.input_files ?? []
  if (s.dataset !== undefined || files.length)
    parts.push(`dataset ${s.dataset ?? 'unknown'}${files.length ? ` (${files.map((f) => `${f.name} sha256 ${f.sha256.slice(0, 12)}`).join(', ')})` : ''}`)
  const text = parts.join('; ').replace(/[^\x20-\x7e]/g, '-') + '.'
  return text.length <= MAX_NOTES ? text : `${text.slice(0, MAX_NOTES - 3)}...`
}

/**
 * The registry's files: `<id>.onnx` and `<id>.json` per model (the sidecar with its `id`, `onnx`
 * and `sha256` set to what the registry lists) and `registry.json`.
 */
export function writeRegistry(opts: RegistryOptions): Record<string, Uint8Array> {
  if (opts.models.length === 0) throw new RegistryError('no models to export')
  const license = opts.license ?? DEFAULT_LICENSE
  const ids = registryIds(opts.models.map((m) => m.sidecar))
  const enc = new TextEncoder()
  const files: Record<string, Uint8Array> = {}
  const entries: RegistryEntry[] = opts.models.map(({ onnx, sidecar, int8 }, i) => {
    const id = ids[i]
    const kind = sidecar.kind ?? 'fr'
    if (!['fr', 'nr', 'filter'].includes(kind)) throw new RegistryError(`${sidecar.id}: kind "${kind}" is not fr, nr or filter`)
    const sha256 = sha256Hex(onnx)
    const opset = sidecar.opset ?? OPSET
    files[`${id}.onnx`] = onnx
    const quant = int8Fields(int8)
    if (int8) files[`${id}.int8.onnx`] = int8.bytes
    files[`${id}.json`] = enc.encode(sidecarJson({ ...sidecar, id, onnx: `${id}.onnx`, sha256, ...quant }))
    return { id, kind, onnx: `${id}.onnx`, sha256, opset, license, notes: registryNotes(sidecar), ...quant }
  })
  const registry: RegistryJson = { schema_version: REGISTRY_SCHEMA_VERSION, models: entries }
  files[REGISTRY_FILE] = enc.encode(JSON.stringify(registry, null, 2) + '\n')
  return files
}
