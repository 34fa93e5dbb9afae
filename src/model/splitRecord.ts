// A model's split record — what it trained on and what it never saw — and the one place it is
// built, written into a sidecar's training block and read back from one (or from a model the app
// saved). Sources are nflx source names plus "konvid" for the konvid corpus as a whole; a konvid
// clip holdout lists its clip keys in heldOutKeys (konvid then also trains). Pure: no DOM, no Node.

/**
 * What a model trained on and what it never saw, so Evaluate can default to the rows it did not
 * train on, and an exported model dropped back in keeps that knowledge (the sidecar carries it).
 */
export interface SplitRecord {
  /** a split mode of src/data/splits.ts, 'none' (every row trains), 'cross' (one corpus trains,
   *  the other tests), or 'unknown' (a model from a sidecar written without this record) */
  mode: string
  /** plain language, e.g. "netflix-source: trained on … validated on nflx source Tennis …" */
  description: string
  trainSources: string[]
  heldOutSources: string[]
  heldOutKeys?: string[]
}

/** SplitRecord as the sidecar writes it (snake_case like the rest of the file). */
export interface SplitRecordJson {
  mode: string
  train_sources: string[]
  held_out_sources: string[]
  held_out_keys?: string[]
}

/** The two fields of a sidecar's training block that carry the split. */
export interface SplitFields {
  /** plain-language split (SplitRecord.description) */
  split: string
  /** the structured split; absent in sidecars written before it existed */
  split_record?: SplitRecordJson
}

/** A split record that is there but not whole: names the file and the field. */
export class SplitRecordError extends Error {
  override name = 'SplitRecordError'
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}: field "${field}" ${problem}`)
  }
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
const sorted = (s: Iterable<string>) => [...s].sort(byCodePoint)

/** The record of a model whose split nobody recorded. */
export function unknownSplit(description = 'unknown: the model was made without a split record'): SplitRecord {
  return { mode: 'unknown', description, trainSources: [], heldOutSources: [] }
}

export interface SplitRecordInput {
  mode: string
  description: string
  /** the sources of the training rows ("konvid" for konvid rows) */
  trainSources: Iterable<string>
  /** the sources of the test rows */
  testSources: Iterable<string>
  /** konvid clip keys held out (sorted), empty when none */
  heldOutKeys: readonly string[]
}

/** The record of a split from its rows' sources: held out are the test sources that never trained. */
export function splitRecordOf(o: SplitRecordInput): SplitRecord {
  const train = new Set(o.trainSources)
  const heldOut = new Set([...o.testSources].filter((s) => !train.has(s)))
  return {
    mode: o.mode,
    description: o.description,
    trainSources: sorted(train),
    heldOutSources: sorted(heldOut),
    ...(o.heldOutKeys.length ? { heldOutKeys: [...o.heldOutKeys] } : {}),
  }
}

/** The split as a sidecar's training block writes it (`split`, then `split_record`). */
export function encodeSplitRecord(r: SplitRecord): Required<SplitFields> {
  return {
    split: r.description,
    split_record: {
      mode: r.mode,
      train_sources: [...r.trainSources],
      held_out_sources: [...r.heldOutSources],
      ...(r.heldOutKeys ? { held_out_keys: [...r.heldOutKeys] } : {}),
    },
  }
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string')

/** The split_record of a training block when it is whole (mode, the two source lists, optional keys); SplitRecordError otherwise. */
function checkedJson(training: Record<string, unknown>, file: string): SplitRecordJson | undefined {
  const r = training.split_record
  if (r === undefined) return undefined
  const bad = (want: string) => new SplitRecordError(file, 'training.split_record', want)
  if (!r || typeof r !== 'object' || Array.isArray(r)) throw bad('must be an object')
  const o = r as Record<string, unknown>
  if (typeof o.mode !== 'string' || !o.mode) throw bad('needs a "mode" string')
  for (const k of ['train_sources', 'held_out_sources']) if (!isStringArray(o[k])) throw bad(`needs "${k}" as a list of names`)
  if (o.held_out_keys !== undefined && !isStringArray(o.held_out_keys)) throw bad('has "held_out_keys" that is not a list of names')
  if (typeof training.split !== 'string') throw new SplitRecordError(file, 'training.split', 'must be a string next to "training.split_record"')
  return o as unknown as SplitRecordJson
}

/**
 * The split a sidecar's training block records; "unknown" for a block without a record (published
 * models, older exports, or no block at all). A damaged record throws SplitRecordError naming `file`.
 */
export function decodeSplitRecord(training: unknown, file: string): SplitRecord {
  if (!training || typeof training !== 'object') return unknownSplit()
  const t = training as Record<string, unknown>
  const r = checkedJson(t, file)
  const text = typeof t.split === 'string' ? t.split : undefined
  if (!r) return unknownSplit(text ? `unknown (recorded as text only: ${text})` : undefined)
  return {
    mode: r.mode,
    description: text!,
    trainSources: [...r.train_sources],
    heldOutSources: [...r.held_out_sources],
    ...(r.held_out_keys ? { heldOutKeys: [...r.held_out_keys] } : {}),
  }
}

/** Check a training block's split fields, as parseSidecar does for every sidecar it reads. */
export function checkSplitFields(training: unknown, file: string): void {
  if (training && typeof training === 'object') checkedJson(training as Record<string, unknown>, file)
}

/**
 * The split of a model the app saved (its TrainedModel's training.split): the record, or null for
 * models saved before splits were recorded, which hold the split as text.
 */
export function savedSplit(split: unknown): SplitRecord | null {
  if (!split || typeof split !== 'object') return null
  const o = split as Record<string, unknown>
  const whole = typeof o.mode === 'string' && typeof o.description === 'string' && isStringArray(o.trainSources) && isStringArray(o.heldOutSources)
  return whole && (o.heldOutKeys === undefined || isStringArray(o.heldOutKeys)) ? (split as SplitRecord) : null
}
