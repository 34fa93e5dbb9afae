// An experiment design + the loaded table → the pipeline's runs: one per arm × fold × seed (one per
// arm × seed for cross-corpus, scored per test group). Pure: no training happens here.
//
// Row order follows the design's recipe. 'lab' orders training rows like splits.ts does (nflx rows
// by source name, then konvid rows by clip key, each group in table order), so an arm trained on
// the other nflx sources (+ every konvid clip) gets exactly the rows of a LOSO fold and replays
// the FoxBird study; 'plain' keeps table (file) order.
//
// Rows come from splits.ts's typed grouping (rowGroups) and stay groups until read: the schedule
// knows each run's row counts, folds and split record without building a row list, so the
// Experiments tab previews any table; a run's rows are made when the trainer first reads them,
// once per arm × fold (its seeds share them).
import { CANONICAL_FEATURES } from '../base/features.ts'
import { konvidKeyHoldout, rowGroups } from '../data/splits.ts'
import type { TableView } from '../data/table.ts'
import { archSpec } from '../model/arch.ts'
import { stepsPerEpoch } from '../model/contract.ts'
import { splitRecordOf } from '../model/splitRecord.ts'
import { DesignError, designSeeds, type ArmDesign, type ExperimentDesign } from './design.ts'
import { LIMITS } from './limits.ts'
import { fileSafe } from './records.ts'
import type { RunRows, RunSpec } from './run.ts'

/** Rows of one test group, as positions into the run's test rows. */
export interface TestGroup {
  fold: string
  positions: Uint32Array
}

export interface ScheduledRun {
  arm: string
  /** the held-out fold (LOSO, fixed source), "konvid" (clip holdout) or "all" (cross) */
  fold: string
  seed: number
  spec: RunSpec
  /** how the test rows split into fold results */
  groups: TestGroup[]
}

export interface Schedule {
  design: ExperimentDesign
  /** fold names in result order */
  folds: string[]
  runs: ScheduledRun[]
  /** per arm, per fold: the epochs it trains (steps-matched arms differ per fold) */
  epochs: Record<string, Record<string, number>>
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** The source name the split record gives konvid rows. */
const KONVID = 'konvid'

/** The table's rows by nflx source and by konvid clip (splits.ts's typed grouping). */
interface Inventory {
  rows: number
  sources: string[]
  sourceRows: ReadonlyMap<string, Uint32Array>
  clipRows: ReadonlyMap<string, Uint32Array>
}

function inventory(table: TableView): Inventory {
  const g = rowGroups(table)
  return { rows: table.rows, sources: g.sources, sourceRows: g.sourceRows, clipRows: g.konvidKeyRows }
}

/**
 * Rows known by their groups until someone reads them: how many there are (what the preview and
 * steps matching need), and the rows themselves, made on first read and kept.
 */
interface LazyRows {
  count: number
  rows(): Uint32Array
}

function concat(groups: readonly Uint32Array[]): Uint32Array {
  const out = new Uint32Array(groups.reduce((n, g) => n + g.length, 0))
  let at = 0
  for (const g of groups) {
    out.set(g, at)
    at += g.length
  }
  return out
}

/**
 * The rows of `groups` in table order. Groups of distinct names are disjoint: one pass over a mark
 * per table row; a list that names a group twice keeps its repeats (a sort of the joined rows).
 */
function ascending(groups: readonly Uint32Array[], tableRows: number): Uint32Array {
  if (new Set(groups).size !== groups.length) return concat(groups).sort()
  const mark = new Uint8Array(tableRows)
  let n = 0
  for (const g of groups) {
    for (let i = 0; i < g.length; i++) mark[g[i]] = 1
    n += g.length
  }
  const out = new Uint32Array(n)
  for (let r = 0, o = 0; o < n; r++) if (mark[r]) out[o++] = r
  return out
}

/** The rows of `parts` in order: each part's groups as listed, or each part in table order (`tableRows` given: 'plain'). */
function lazyRows(parts: readonly (readonly Uint32Array[])[], tableRows?: number): LazyRows {
  let rows: Uint32Array | null = null
  return {
    count: parts.reduce((n, p) => n + p.reduce((m, g) => m + g.length, 0), 0),
    rows: () => (rows ??= concat(parts.map((p) => (tableRows === undefined ? concat(p) : ascending(p, tableRows))))),
  }
}

/** Groups of the named members: by name ('lab'), else as named ('plain' sorts the rows after). */
function groupsOf(groups: ReadonlyMap<string, Uint32Array>, names: readonly string[], recipe: ExperimentDesign['recipe']): Uint32Array[] {
  return (recipe === 'lab' ? [...names].sort(byCodePoint) : names).map((n) => groups.get(n)!)
}

function armSources(arm: ArmDesign, inv: Inventory, bad: (m: string) => DesignError): string[] {
  if (arm.nflx === 'none') return []
  if (arm.nflx === 'all') return inv.sources
  for (const s of arm.nflx.sources) if (!inv.sourceRows.has(s)) throw bad(`arm "${arm.id}": nflx source "${s}" is not in the loaded data (${inv.sources.join(', ')})`)
  return arm.nflx.sources
}

function armClips(arm: ArmDesign, inv: Inventory): string[] {
  const all = [...inv.clipRows.keys()]
  if (arm.konvid === 'none') return []
  if (arm.konvid === 'all') return all
  return all.length ? konvidKeyHoldout(all, arm.konvid.fraction, arm.konvid.seed) : []
}

interface Fold {
  name: string
  /** excluded from training */
  source: string | null
  clips: ReadonlySet<string>
  /** test rows in order */
  test: LazyRows
  /** the sources of the test rows (the split record's names) */
  testSources: string[]
  /** how the test rows split into fold results */
  groups: TestGroup[]
}

/** Test groups in order, `counts` rows each; a group's positions are made when first read. */
function testGroups(counts: readonly { fold: string; count: number }[]): TestGroup[] {
  let at = 0
  return counts.map(({ fold, count }) => {
    const start = at
    at += count
    let positions: Uint32Array | null = null
    return {
      fold,
      get positions() {
        return (positions ??= Uint32Array.from({ length: count }, (_, i) => start + i))
      },
    }
  })
}

function singleSource(inv: Inventory, source: string): Fold {
  const rows = inv.sourceRows.get(source)!
  return { name: source, source, clips: new Set(), test: lazyRows([[rows]]), testSources: [source], groups: testGroups([{ fold: source, count: rows.length }]) }
}

function foldsOf(design: ExperimentDesign, inv: Inventory, arm: ArmDesign, bad: (m: string) => DesignError): Fold[] {
  const p = design.protocol
  if (p.kind === 'loso') {
    if (inv.sources.length < 2) throw bad(`leave-one-source-out needs at least 2 nflx sources; the loaded data has ${inv.sources.length}`)
    return inv.sources.map((s) => singleSource(inv, s))
  }
  if (p.kind === 'fixed-source') {
    if (!inv.sourceRows.has(p.source)) throw bad(`the validation source "${p.source}" is not in the loaded data (${inv.sources.join(', ')})`)
    return [singleSource(inv, p.source)]
  }
  if (p.kind === 'konvid-holdout') {
    if (inv.clipRows.size < 2) throw bad('a konvid clip holdout needs at least 2 konvid clips loaded')
    const held = konvidKeyHoldout([...inv.clipRows.keys()], p.fraction, p.seed)
    const test = lazyRows([held.map((k) => inv.clipRows.get(k)!)])
    return [{ name: 'konvid', source: null, clips: new Set(held), test, testSources: [KONVID], groups: testGroups([{ fold: 'konvid', count: test.count }]) }]
  }
  // cross: scored on every corpus the arm does not train on
  const trainsNflx = arm.nflx !== 'none'
  const trainsKonvid = arm.konvid !== 'none'
  if (trainsNflx && trainsKonvid) throw bad(`cross-corpus arm "${arm.id}" trains on both corpora: nothing is left to test on`)
  const counts: { fold: string; count: number }[] = []
  const parts: Uint32Array[][] = []
  const testSources: string[] = []
  if (!trainsNflx)
    for (const s of inv.sources) {
      parts.push([inv.sourceRows.get(s)!])
      counts.push({ fold: s, count: inv.sourceRows.get(s)!.length })
      testSources.push(s)
    }
  if (!trainsKonvid && inv.clipRows.size) {
    const clips = groupsOf(inv.clipRows, [...inv.clipRows.keys()], 'lab')
    parts.push(clips)
    counts.push({ fold: 'konvid', count: clips.reduce((n, g) => n + g.length, 0) })
    testSources.push(KONVID)
  }
  if (!parts.length) throw bad(`cross-corpus arm "${arm.id}": the other corpus is not loaded`)
  return [{ name: 'all', source: null, clips: new Set(), test: lazyRows(parts), testSources, groups: testGroups(counts) }]
}

interface TrainSet {
  rows: LazyRows
  /** the nflx sources that train, plus "konvid" when any clip does */
  sources: string[]
}

function trainSetOf(design: ExperimentDesign, inv: Inventory, arm: ArmDesign, fold: Fold, bad: (m: string) => DesignError): TrainSet {
  const sources = armSources(arm, inv, bad).filter((s) => s !== fold.source)
  const clips = armClips(arm, inv).filter((k) => !fold.clips.has(k))
  const nflx = groupsOf(inv.sourceRows, sources, design.recipe)
  const konvid = groupsOf(inv.clipRows, clips, design.recipe)
  const rows = lazyRows([nflx, konvid], design.recipe === 'plain' ? inv.rows : undefined)
  if (!rows.count) throw bad(`arm "${arm.id}", fold ${fold.name}: no training rows are left`)
  return { rows, sources: clips.length ? [...sources, KONVID] : sources }
}

/** A run's rows, read (and made, once per arm × fold) when the trainer asks for them. */
function runRows(train: LazyRows, test: LazyRows): RunRows {
  return {
    get trainRows() {
      return train.rows()
    },
    get valRows() {
      return test.rows()
    },
  }
}

/** Epochs that make `rows` train as many optimizer steps as `other` does at its epochs. */
function matchedEpochs(rows: number, batch: number, otherRows: number, other: ArmDesign): number {
  return Math.max(1, Math.round((other.epochs * stepsPerEpoch(otherRows, other.batchSize)) / stepsPerEpoch(rows, batch)))
}

/** Model id, e.g. "foxbird-a-NightGrain-s0": also the name of its .onnx and sidecar. */
export function experimentModelId(experiment: string, arm: string, fold: string, seed: number): string {
  return `${experiment}-${arm}-${fileSafe(fold)}-s${seed}`
}

/** The runs of `design` on `table`; DesignError names what the data cannot support. */
export function scheduleExperiment(table: TableView, design: ExperimentDesign, file = design.name): Schedule {
  const bad = (m: string) => new DesignError(file, m)
  const inv = inventory(table)
  const seeds = designSeeds(design)
  const runs: ScheduledRun[] = []
  const epochs: Schedule['epochs'] = {}
  const folds: string[] = []
  const trainSets = new Map<string, TrainSet>()
  const trainSetFor = (arm: ArmDesign, fold: Fold) => {
    const key = `${arm.id}\n${fold.name}`
    let set = trainSets.get(key)
    if (!set) trainSets.set(key, (set = trainSetOf(design, inv, arm, fold, bad)))
    return set
  }
  for (const arm of design.arms) {
    const features = arm.features ?? [...CANONICAL_FEATURES]
    for (const f of features) if (!table.featureNames.includes(f)) throw bad(`arm "${arm.id}": feature "${f}" is not in the loaded data`)
    const arch = archSpec(arm.arch, features.length, arm.hidden)
    const other = design.arms.find((a) => a.id === arm.matchStepsOf)
    epochs[arm.id] = {}
    for (const fold of foldsOf(design, inv, arm, bad)) {
      const train = trainSetFor(arm, fold)
      const e = other ? matchedEpochs(train.rows.count, arm.batchSize, trainSetFor(other, fold).rows.count, other) : arm.epochs
      epochs[arm.id][fold.name] = e
      for (const g of fold.groups) if (!folds.includes(g.fold)) folds.push(g.fold)
      const record = splitRecordOf({
        mode: design.protocol.kind,
        trainSources: train.sources,
        testSources: fold.testSources,
        heldOutKeys: [...fold.clips].sort(byCodePoint),
        description: `${design.name} arm ${arm.id} (${arm.label}), fold ${fold.name}: trained on ${train.rows.count.toLocaleString('en-US')} rows for ${e} epochs, tested on ${fold.test.count.toLocaleString('en-US')} rows`,
      })
      const rows = runRows(train.rows, fold.test)
      for (const seed of seeds)
        runs.push({
          arm: arm.id,
          fold: fold.name,
          seed,
          groups: fold.groups,
          spec: {
            id: experimentModelId(design.name, arm.id, fold.name, seed),
            label: `${arm.id} · ${fold.name} · seed ${seed}`,
            arch,
            features,
            seed,
            rows,
            split: record,
            epochs: e,
            batchSize: arm.batchSize,
            lr: arm.lr,
            scalerMode: arm.scalerMode,
            shuffle: design.recipe === 'plain' ? 'randperm' : 'dataloader',
            provenance: { experiment: design.name, arm: arm.id, fold: fold.name },
          },
        })
    }
  }
  if (runs.length > LIMITS.runsPerExperiment) throw bad(`${runs.length} models is more than the ${LIMITS.runsPerExperiment} one experiment may train`)
  return { design, folds, runs, epochs }
}

/**
 * An arm's final model: its recipe trained on every row its corpora hold (no fold, nothing held
 * out, so nothing scored), seed `seed`. A steps-matched arm matches the other arm's steps on those
 * same rows. The id says experiment, arm, "all" and the seed.
 */
export function scheduleFinalModel(table: TableView, design: ExperimentDesign, armId: string, seed = design.firstSeed): ScheduledRun {
  const bad = (m: string) => new DesignError(design.name, m)
  const arm = design.arms.find((a) => a.id === armId)
  if (!arm) throw bad(`no arm "${armId}" (arms: ${design.arms.map((a) => a.id).join(', ')})`)
  const inv = inventory(table)
  const everything: Fold = { name: 'all', source: null, clips: new Set(), test: lazyRows([]), testSources: [], groups: [] }
  const train = trainSetOf(design, inv, arm, everything, bad)
  const other = design.arms.find((a) => a.id === arm.matchStepsOf)
  const epochs = other ? matchedEpochs(train.rows.count, arm.batchSize, trainSetOf(design, inv, other, everything, bad).rows.count, other) : arm.epochs
  const features = arm.features ?? [...CANONICAL_FEATURES]
  for (const f of features) if (!table.featureNames.includes(f)) throw bad(`arm "${arm.id}": feature "${f}" is not in the loaded data`)
  const n = train.rows.count.toLocaleString('en-US')
  return {
    arm: arm.id,
    fold: everything.name,
    seed,
    groups: [],
    spec: {
      id: experimentModelId(design.name, arm.id, everything.name, seed),
      label: `${arm.id} (${arm.label}) on every row · seed ${seed}`,
      arch: archSpec(arm.arch, features.length, arm.hidden),
      features,
      seed,
      rows: runRows(train.rows, everything.test),
      split: splitRecordOf({
        mode: 'none',
        trainSources: train.sources,
        testSources: [],
        heldOutKeys: [],
        description: `${design.name} arm ${arm.id} (${arm.label}), final model: all ${n} rows train for ${epochs} epochs; no rows held out`,
      }),
      epochs,
      batchSize: arm.batchSize,
      lr: arm.lr,
      scalerMode: arm.scalerMode,
      shuffle: design.recipe === 'plain' ? 'randperm' : 'dataloader',
      provenance: { experiment: design.name, arm: arm.id, fold: everything.name },
    },
  }
}
