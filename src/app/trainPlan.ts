// The Train panel's settings turned into a run: validated, then one seeded job per seed over the
// loaded table (holdout source → validation rows). Plain TS so it is tested in Node.
import { CANONICAL_FEATURES, archSpec, type ArchName, type ArchSpec } from '../model/arch.ts'
import { makeJob, tableToTrainData } from '../model/jobs.ts'
import type { ScalerMode } from '../model/trained.ts'
import type { TrainData, TrainJob } from '../model/trainer.ts'
import { makeSplit } from '../data/splits.ts'
import type { TableView } from '../data/table.ts'

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
  /** held-out nflx source for validation ('' trains on every row); the panel swaps a source
   *  that is not loaded for the default one */
  holdout: string
}

export class TrainSettingsError extends Error {
  override name = 'TrainSettingsError'
}

/** A validated run: the jobs and what a TrainedModel records about them. */
export interface RunPlan {
  data: TrainData
  jobs: TrainJob[]
  arch: ArchSpec
  features: string[]
  seeds: number[]
  scalerMode: ScalerMode
  /** plain-language split for the training record */
  split: string
}

/** "0", "0,1,2", "0-4" → seeds. */
export function parseSeeds(text: string): number[] {
  const seeds: number[] = []
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(part)
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])]
      if (b < a || b - a >= 32) throw new TrainSettingsError(`seed range "${part}" must go up, at most 32 seeds`)
      for (let s = a; s <= b; s++) seeds.push(s)
    } else if (/^\d+$/.test(part)) seeds.push(Number(part))
    else throw new TrainSettingsError(`seed "${part}" is not a whole number (e.g. 0, or 0,1,2, or 0-4)`)
  }
  if (seeds.length === 0) throw new TrainSettingsError('give at least one seed')
  if (new Set(seeds).size !== seeds.length) throw new TrainSettingsError('seeds repeat')
  if (seeds.length > 32) throw new TrainSettingsError('at most 32 models at once')
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

/** The features a model trains on: the canonical six when the table has them, else all it has. */
export function trainingFeatures(table: TableView): string[] {
  const canonical = CANONICAL_FEATURES.filter((f) => table.featureNames.includes(f))
  return canonical.length === CANONICAL_FEATURES.length ? [...canonical] : [...table.featureNames]
}

/** Validate `s` against `table` and build the jobs; throws TrainSettingsError/ArchError with a plain message. */
export function planRun(s: TrainSettings, table: TableView): RunPlan {
  if (table.rows === 0) throw new TrainSettingsError('no rows loaded')
  const features = trainingFeatures(table)
  if (features.length === 0) throw new TrainSettingsError('the loaded data has no feature columns')
  const arch = archSpec(s.arch, features.length, s.arch === 'custom' ? parseHidden(s.hidden) : undefined)
  if (!Number.isInteger(s.epochs) || s.epochs < 1 || s.epochs > 10000)
    throw new TrainSettingsError('epochs must be a whole number from 1 to 10,000')
  if (!Number.isInteger(s.batchSize) || s.batchSize < 1 || s.batchSize > 65536)
    throw new TrainSettingsError('batch size must be a whole number from 1 to 65,536')
  if (!(s.lr > 0 && s.lr < 10)) throw new TrainSettingsError('learning rate must be above 0 and below 10')
  const seeds = parseSeeds(s.seeds)

  let trainRows: Uint32Array
  let valRows: Uint32Array
  let split: string
  if (s.holdout) {
    const sp = makeSplit(table, { mode: 'netflix-source', holdoutSource: s.holdout })
    ;({ trainRows, valRows } = sp)
    split = sp.description
  } else {
    trainRows = Uint32Array.from({ length: table.rows }, (_, i) => i)
    valRows = new Uint32Array(0)
    split = 'all rows train; no validation rows'
  }
  if (trainRows.length === 0) throw new TrainSettingsError('the split leaves no training rows')

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
  return { data, jobs, arch, features, seeds, scalerMode: s.scalerMode, split }
}
