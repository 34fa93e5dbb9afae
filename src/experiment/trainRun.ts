// A single training run's settings (the Train panel's, the CLI's `train`) turned into jobs:
// validated against LIMITS, then one seeded job per architecture × seed over the loaded table, on
// the picked features and one train/validation split of src/data/splits.ts. Which split holds out
// a source and which a konvid fraction is decided here, once.
import { archSpec, describeWidths, type ArchName, type ArchSpec } from '../model/arch.ts'
import { makeJob, tableToTrainData } from '../model/jobs.ts'
import type { ScalerMode, SplitRecord } from '../model/trained.ts'
import type { TrainData, TrainJob } from '../model/contract.ts'
import { CORPORA, type TableView } from '../data/table.ts'
import { makeSplit, nflxSources, type Split, type SplitMode } from '../data/splits.ts'
import { LIMITS, optimizerProblem, trainRunSizeProblem } from './limits.ts'
import { fileSafe, splitRecord, timestampedId } from './records.ts'
import type { RunSpec } from './run.ts'

/** The validation splits a single run offers: the split modes of splits.ts but loso (that is the
 *  study's), plus training on every row. */
export const TRAIN_SPLIT_MODES = [
  'netflix-source',
  'konvid-holdout',
  'netflix-source-and-konvid-holdout',
  'netflix-only',
  'konvid-only',
  'none',
] as const satisfies readonly (Exclude<SplitMode, 'loso'> | 'none')[]
export type TrainSplitMode = (typeof TRAIN_SPLIT_MODES)[number]

export const SPLIT_LABELS: Record<TrainSplitMode, string> = {
  'netflix-source': 'held-out nflx source',
  'konvid-holdout': 'held-out konvid clips',
  'netflix-source-and-konvid-holdout': 'held-out nflx source + konvid clips',
  'netflix-only': 'nflx only, held-out source',
  'konvid-only': 'konvid only, held-out clips',
  none: 'none (train on every row)',
}

export interface TrainSettings {
  arch: ArchName
  /** custom hidden widths, e.g. "32,16" */
  hidden: string
  epochs: number
  batchSize: number
  lr: number
  /** one model per seed: "0", "0,1,2" or "0-4" */
  seeds: string
  scalerMode: ScalerMode
  /** input features, in any order (the run uses the table's order); null: every loaded feature */
  features: string[] | null
  split: TrainSplitMode
  /** held-out nflx source of the netflix-source modes; the panel swaps a source that is not loaded
   *  for the default one (splits.defaultHoldoutSource) */
  holdout: string
  /** konvid clips held out by the konvid-holdout modes, in (0, 1) */
  konvidFraction: number
}

export class TrainSettingsError extends Error {
  override name = 'TrainSettingsError'
}

/** A validated run: the jobs and what a TrainedModel records about them. */
export interface TrainRun {
  data: TrainData
  jobs: TrainJob[]
  arch: ArchSpec
  features: string[]
  seeds: number[]
  scalerMode: ScalerMode
  /** the split, for the training record and the run's summary */
  split: SplitRecord
}

/** "0", "0,1,2", "0-4" → seeds. */
export function parseSeeds(text: string): number[] {
  const seeds: number[] = []
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(part)
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])]
      if (b < a || b - a >= LIMITS.modelsPerTrainRun)
        throw new TrainSettingsError(`seed range "${part}" must go up, at most ${LIMITS.modelsPerTrainRun} seeds`)
      for (let s = a; s <= b; s++) seeds.push(s)
    } else if (/^\d+$/.test(part)) seeds.push(Number(part))
    else throw new TrainSettingsError(`seed "${part}" is not a whole number (e.g. 0, or 0,1,2, or 0-4)`)
  }
  if (seeds.length === 0) throw new TrainSettingsError('give at least one seed')
  if (new Set(seeds).size !== seeds.length) throw new TrainSettingsError('seeds repeat')
  const tooMany = trainRunSizeProblem(seeds.length)
  if (tooMany) throw new TrainSettingsError(tooMany)
  return seeds
}

export function parseHidden(text: string): number[] {
  const parts = text.split(/[,\s→x×]+/).filter(Boolean)
  if (parts.length === 0) throw new TrainSettingsError('a custom architecture needs hidden widths, e.g. 32,16')
  return parts.map((p) => {
    if (!/^\d+$/.test(p)) throw new TrainSettingsError(`hidden width "${p}" is not a whole number`)
    return Number(p)
  })
}

/**
 * The features a run trains on, in the table's order: the picked ones, or with no pick every loaded
 * feature — the canonical six plus the extra columns the user chose to load (they loaded them to use them).
 */
export function trainingFeatures(table: TableView, picked: readonly string[] | null = null): string[] {
  if (picked === null) return [...table.featureNames]
  const missing = picked.filter((f) => !table.featureNames.includes(f))
  if (missing.length)
    throw new TrainSettingsError(
      `feature${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not in the loaded data (it has ${table.featureNames.join(', ')})`,
    )
  const features = table.featureNames.filter((f) => picked.includes(f))
  if (features.length === 0) throw new TrainSettingsError('pick at least one input feature')
  return features
}

/** What each split needs loaded, counted once per table. */
export interface SplitInventory {
  nflxSources: number
  konvidClips: number
}

export function splitInventory(table: TableView): SplitInventory {
  const corpus = table.corpusCodes()
  const keys = table.keyCodes()
  const konvid = CORPORA.indexOf('konvid')
  const clips = new Set<number>()
  for (let r = 0; r < table.rows; r++) if (corpus[r] === konvid) clips.add(keys[r])
  return { nflxSources: nflxSources(table).length, konvidClips: clips.size }
}

/** Why `mode` cannot run on what is loaded (null: it can). Finer problems — e.g. nothing left to
 *  train on — come from makeSplit itself when the split is built. */
export function splitUnavailable(mode: TrainSplitMode, inv: SplitInventory): string | null {
  const nflx = inv.nflxSources > 0
  const konvid = inv.konvidClips > 0
  switch (mode) {
    case 'netflix-source':
      return nflx ? null : 'needs nflx rows: none are loaded'
    case 'konvid-holdout':
      return konvid ? null : 'needs konvid rows: none are loaded'
    case 'netflix-source-and-konvid-holdout':
      return nflx && konvid ? null : `needs both corpora: no ${nflx ? 'konvid' : konvid ? 'nflx' : 'nflx or konvid'} rows are loaded`
    case 'netflix-only':
      return inv.nflxSources >= 2 ? null : `needs at least 2 nflx sources (one validates, the rest train); ${inv.nflxSources} loaded`
    case 'konvid-only':
      return inv.konvidClips >= 2 ? null : `needs at least 2 konvid clips (some validate, the rest train); ${inv.konvidClips} loaded`
    case 'none':
      return null
  }
}

const holdsSource = (m: TrainSplitMode | SplitMode) => m === 'netflix-source' || m === 'netflix-source-and-konvid-holdout' || m === 'netflix-only'
const holdsClips = (m: TrainSplitMode | SplitMode) => m === 'konvid-holdout' || m === 'netflix-source-and-konvid-holdout' || m === 'konvid-only'

/** Which split settings apply to `mode` (the panel shows only these; the CLI refuses the others). */
export function splitUses(mode: TrainSplitMode | SplitMode): { source: boolean; fraction: boolean } {
  return { source: holdsSource(mode), fraction: holdsClips(mode) }
}

/** The split settings of a run; holdout and fraction apply to the modes splitUses names (default:
 *  splits.defaultHoldoutSource, DEFAULT_KONVID_FRACTION). */
export interface SplitChoice {
  split: TrainSplitMode
  holdout?: string
  konvidFraction?: number
}

/** A split of splits.ts, or every row training ('none'). */
export type TrainSplit = Split | (Omit<Split, 'mode'> & { mode: 'none' })

/**
 * The run's split. The konvid clip holdout is seeded with the run's first seed, as the reference
 * trainer's --seed does (every model of a multi-seed run validates on the same clips).
 */
export function trainSplit(s: SplitChoice, table: TableView, seed: number): TrainSplit {
  if (s.split === 'none') {
    return {
      mode: 'none',
      name: 'all',
      heldOutSource: null,
      heldOutKeys: [],
      trainRows: Uint32Array.from({ length: table.rows }, (_, i) => i),
      valRows: new Uint32Array(0),
      description: `all ${table.rows.toLocaleString('en-US')} rows train; no validation rows`,
    }
  }
  return makeSplit(table, {
    mode: s.split,
    holdoutSource: holdsSource(s.split) ? s.holdout : undefined,
    konvidFraction: holdsClips(s.split) ? s.konvidFraction : undefined,
    seed,
  })
}

/** The settings checked against `table`: features, architecture, seeds and the split (seeded by
 *  the first seed); throws TrainSettingsError/ArchError/SplitError with a plain message. */
function checkedSettings(s: TrainSettings, table: TableView): { features: string[]; arch: ArchSpec; seeds: number[]; split: TrainSplit } {
  if (table.rows === 0) throw new TrainSettingsError('no rows loaded')
  const features = trainingFeatures(table, s.features)
  const arch = archSpec(s.arch, features.length, s.arch === 'custom' ? parseHidden(s.hidden) : undefined)
  const bad = optimizerProblem(s)
  if (bad) throw new TrainSettingsError(bad)
  const seeds = parseSeeds(s.seeds)
  const split = trainSplit(s, table, seeds[0])
  if (split.trainRows.length === 0) throw new TrainSettingsError('the split leaves no training rows')
  return { features, arch, seeds, split }
}

/** Validate `s` against `table` and build the jobs; throws TrainSettingsError/ArchError/SplitError with a plain message. */
export function trainRun(s: TrainSettings, table: TableView): TrainRun {
  const { features, arch, seeds, split } = checkedSettings(s, table)
  const { trainRows, valRows } = split
  const data = tableToTrainData(table, features)
  const jobs = seeds.map((seed, j) =>
    makeJob({
      id: `m${j}`,
      label: seeds.length > 1 ? `${arch.name} seed ${seed}` : arch.name,
      widths: arch.widths,
      seed,
      scalerMode: s.scalerMode,
      data,
      trainRows,
      valRows,
      epochs: s.epochs,
      batchSize: s.batchSize,
      lr: s.lr,
    }),
  )
  return { data, jobs, arch, features, seeds, scalerMode: s.scalerMode, split: splitRecord(table, split) }
}

export interface TrainSpecsInput {
  archs: readonly ArchSpec[]
  features: readonly string[]
  seeds: readonly number[]
  split: TrainSplit
  record: SplitRecord
  epochs: number
  batchSize: number
  lr: number
  scalerMode: ScalerMode
  createdAt?: Date
}

/** A validated run as the pipeline's runs (the Train tab's): one RunSpec per seed, on one split. */
export interface TrainPlan {
  specs: RunSpec[]
  arch: ArchSpec
  features: string[]
  seeds: number[]
  /** the split, for the run's summary */
  split: SplitRecord
}

/** Validate `s` against `table` (as trainRun does) and list its runs for runExperiment. */
export function trainPlan(s: TrainSettings, table: TableView, createdAt = new Date()): TrainPlan {
  const { features, arch, seeds, split } = checkedSettings(s, table)
  const record = splitRecord(table, split)
  const specs = trainRunSpecs({ archs: [arch], features, seeds, split, record, epochs: s.epochs, batchSize: s.batchSize, lr: s.lr, scalerMode: s.scalerMode, createdAt })
  // the panel's labels: the architecture, and the seed when there are several
  for (const [k, spec] of specs.entries()) spec.label = seeds.length > 1 ? `${arch.name} seed ${seeds[k]}` : arch.name
  return { specs, arch, features, seeds, split: record }
}

/** The pipeline's runs of a single training run: one per architecture × seed, all on one split. */
export function trainRunSpecs(o: TrainSpecsInput): RunSpec[] {
  const createdAt = o.createdAt ?? new Date()
  const tag = fileSafe(o.split.name, 'split')
  return o.archs.flatMap((arch) =>
    o.seeds.map((seed) => ({
      id: timestampedId(arch.name, seed, createdAt, tag),
      label: `${arch.name} ${describeWidths(arch.widths)} seed ${seed}`,
      arch,
      features: o.features,
      seed,
      rows: o.split,
      split: o.record,
      epochs: o.epochs,
      batchSize: o.batchSize,
      lr: o.lr,
      scalerMode: o.scalerMode,
    })),
  )
}
