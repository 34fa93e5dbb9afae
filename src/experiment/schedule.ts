// An experiment design + the loaded table → the pipeline's runs: one per arm × fold × seed (one per
// arm × seed for cross-corpus, scored per test group). Pure: no training happens here.
//
// Row order follows the design's recipe. 'lab' orders training rows like splits.ts does (nflx rows
// by source name, then konvid rows by clip key, each group in table order), so an arm trained on
// the other nflx sources (+ every konvid clip) gets exactly the rows of a LOSO fold and replays
// the FoxBird study; 'plain' keeps table (file) order.
import { CANONICAL_FEATURES } from '../base/features.ts'
import { konvidKeyHoldout } from '../data/splits.ts'
import { CORPORA, type TableView } from '../data/table.ts'
import { archSpec } from '../model/arch.ts'
import { stepsPerEpoch } from '../model/contract.ts'
import { DesignError, designSeeds, type ArmDesign, type ExperimentDesign } from './design.ts'
import { LIMITS } from './limits.ts'
import { fileSafe, splitRecord } from './records.ts'
import type { RunSpec } from './run.ts'

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

/** The table's rows by nflx source and by konvid clip, each in table order. */
interface Inventory {
  sources: string[]
  sourceRows: Map<string, number[]>
  clipRows: Map<string, number[]>
}

function inventory(table: TableView): Inventory {
  const corpus = table.corpusCodes()
  const src = table.sourceCodes()
  const keys = table.keyCodes()
  const nflx = CORPORA.indexOf('nflx')
  const sourceRows = new Map<string, number[]>()
  const clipRows = new Map<string, number[]>()
  for (let r = 0; r < table.rows; r++) {
    const [map, name] = corpus[r] === nflx ? [sourceRows, table.sourceNames[src[r]]] : [clipRows, table.keyNames[keys[r]]]
    const list = map.get(name) ?? []
    if (!map.has(name)) map.set(name, list)
    list.push(r)
  }
  return { sources: [...sourceRows.keys()], sourceRows, clipRows }
}

/** Rows of the named groups: by name then table order ('lab'), or in table order ('plain'). */
function rowsOf(groups: Map<string, number[]>, names: Iterable<string>, recipe: ExperimentDesign['recipe']): number[] {
  const picked = [...names]
  if (recipe === 'lab') return picked.sort(byCodePoint).flatMap((n) => groups.get(n)!)
  return picked.flatMap((n) => groups.get(n)!).sort((a, b) => a - b)
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
  /** test rows in order, with their groups */
  testRows: number[]
  groups: { fold: string; count: number }[]
}

function foldsOf(design: ExperimentDesign, inv: Inventory, arm: ArmDesign, bad: (m: string) => DesignError): Fold[] {
  const p = design.protocol
  const single = (source: string): Fold => ({ name: source, source, clips: new Set(), testRows: inv.sourceRows.get(source)!, groups: [{ fold: source, count: inv.sourceRows.get(source)!.length }] })
  if (p.kind === 'loso') {
    if (inv.sources.length < 2) throw bad(`leave-one-source-out needs at least 2 nflx sources; the loaded data has ${inv.sources.length}`)
    return inv.sources.map(single)
  }
  if (p.kind === 'fixed-source') {
    if (!inv.sourceRows.has(p.source)) throw bad(`the validation source "${p.source}" is not in the loaded data (${inv.sources.join(', ')})`)
    return [single(p.source)]
  }
  if (p.kind === 'konvid-holdout') {
    if (inv.clipRows.size < 2) throw bad('a konvid clip holdout needs at least 2 konvid clips loaded')
    const held = konvidKeyHoldout([...inv.clipRows.keys()], p.fraction, p.seed)
    const testRows = held.flatMap((k) => inv.clipRows.get(k)!)
    return [{ name: 'konvid', source: null, clips: new Set(held), testRows, groups: [{ fold: 'konvid', count: testRows.length }] }]
  }
  // cross: scored on every corpus the arm does not train on
  const trainsNflx = arm.nflx !== 'none'
  const trainsKonvid = arm.konvid !== 'none'
  if (trainsNflx && trainsKonvid) throw bad(`cross-corpus arm "${arm.id}" trains on both corpora: nothing is left to test on`)
  const groups: Fold['groups'] = []
  const testRows: number[] = []
  if (!trainsNflx)
    for (const s of inv.sources) {
      testRows.push(...inv.sourceRows.get(s)!)
      groups.push({ fold: s, count: inv.sourceRows.get(s)!.length })
    }
  if (!trainsKonvid && inv.clipRows.size) {
    const rows = rowsOf(inv.clipRows, inv.clipRows.keys(), 'lab')
    testRows.push(...rows)
    groups.push({ fold: 'konvid', count: rows.length })
  }
  if (!testRows.length) throw bad(`cross-corpus arm "${arm.id}": the other corpus is not loaded`)
  return [{ name: 'all', source: null, clips: new Set(), testRows, groups }]
}

function trainRowsOf(design: ExperimentDesign, inv: Inventory, arm: ArmDesign, fold: Fold, bad: (m: string) => DesignError): Uint32Array {
  const sources = armSources(arm, inv, bad).filter((s) => s !== fold.source)
  const clips = armClips(arm, inv).filter((k) => !fold.clips.has(k))
  const nflx = rowsOf(inv.sourceRows, sources, design.recipe)
  const konvid = rowsOf(inv.clipRows, clips, design.recipe)
  const rows = Uint32Array.from([...nflx, ...konvid])
  if (!rows.length) throw bad(`arm "${arm.id}", fold ${fold.name}: no training rows are left`)
  return rows
}

function groupsOf(fold: Fold): TestGroup[] {
  let at = 0
  return fold.groups.map((g) => {
    const positions = Uint32Array.from({ length: g.count }, (_, i) => at + i)
    at += g.count
    return { fold: g.fold, positions }
  })
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
  const trainRows = new Map<string, Uint32Array>()
  const rowsFor = (arm: ArmDesign, fold: Fold) => {
    const key = `${arm.id}\n${fold.name}`
    let rows = trainRows.get(key)
    if (!rows) trainRows.set(key, (rows = trainRowsOf(design, inv, arm, fold, bad)))
    return rows
  }
  for (const arm of design.arms) {
    const features = arm.features ?? [...CANONICAL_FEATURES]
    for (const f of features) if (!table.featureNames.includes(f)) throw bad(`arm "${arm.id}": feature "${f}" is not in the loaded data`)
    const arch = archSpec(arm.arch, features.length, arm.hidden)
    const other = design.arms.find((a) => a.id === arm.matchStepsOf)
    epochs[arm.id] = {}
    for (const fold of foldsOf(design, inv, arm, bad)) {
      const rows = rowsFor(arm, fold)
      const e = other ? matchedEpochs(rows.length, arm.batchSize, rowsFor(other, fold).length, other) : arm.epochs
      epochs[arm.id][fold.name] = e
      for (const g of fold.groups) if (!folds.includes(g.fold)) folds.push(g.fold)
      const testRows = Uint32Array.from(fold.testRows)
      const record = splitRecord(table, {
        mode: design.protocol.kind,
        trainRows: rows,
        valRows: testRows,
        heldOutKeys: [...fold.clips].sort(byCodePoint),
        description: `${design.name} arm ${arm.id} (${arm.label}), fold ${fold.name}: trained on ${rows.length.toLocaleString('en-US')} rows for ${e} epochs, tested on ${testRows.length.toLocaleString('en-US')} rows`,
      })
      for (const seed of seeds)
        runs.push({
          arm: arm.id,
          fold: fold.name,
          seed,
          groups: groupsOf(fold),
          spec: {
            id: experimentModelId(design.name, arm.id, fold.name, seed),
            label: `${arm.id} · ${fold.name} · seed ${seed}`,
            arch,
            features,
            seed,
            rows: { trainRows: rows, valRows: testRows },
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
