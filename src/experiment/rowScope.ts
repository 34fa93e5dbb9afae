// Which loaded rows a model did not train on, from the split it records (src/model/splitRecord.ts:
// sources are nflx source names plus "konvid" for the konvid corpus as a whole; a konvid clip
// holdout lists its clip keys). A row is held out when its source is not among the
// split's training sources or its clip key is one the split held out. Models without a recorded
// split (imported ones, old sidecars) are "unknown": every row is shown, and every source says so.
import { CORPORA, type CodeArray, type TableView } from '../data/table.ts'
import type { SplitRecord } from '../model/splitRecord.ts'

export type ScopeName = 'held-out' | 'all'

export type SourceRole = 'held out' | 'in training' | 'partly held out' | 'unknown'

export interface RowScope {
  kind: 'split' | 'unknown'
  /** 1 where the model did not train on the row (all 1 for an unknown split) */
  heldOut: Uint8Array
  /** how many rows are held out */
  heldOutRows: number
  /** the split in words, e.g. "netflix-source: held out NightGrain …" (empty when unknown) */
  description: string
  /** the held-out sources the split names */
  heldOutSources: string[]
  /** equal for models that hold out the same rows: only those compare like with like */
  signature: string
}

/** The corpus-wide source name the split record uses for konvid rows. */
const KONVID = 'konvid'

export function rowScope(split: SplitRecord | null, table: TableView): RowScope {
  const n = table.rows
  const heldOut = new Uint8Array(n)
  if (!split || split.mode === 'unknown') {
    heldOut.fill(1)
    return { kind: 'unknown', heldOut, heldOutRows: n, description: '', heldOutSources: [], signature: 'unknown' }
  }
  const trains = new Set(split.trainSources)
  const keys = new Set(split.heldOutKeys ?? [])
  const srcOut = table.sourceNames.map((s) => !trains.has(s))
  const konvidOut = !trains.has(KONVID)
  const keyOut = table.keyNames.map((k) => keys.has(k))
  const src = table.sourceCodes()
  const key = table.keyCodes()
  const corpus = table.corpusCodes()
  const konvid = CORPORA.indexOf('konvid')
  let count = 0
  for (let i = 0; i < n; i++)
    if ((corpus[i] === konvid ? konvidOut : srcOut[src[i]]) || keyOut[key[i]]) {
      heldOut[i] = 1
      count++
    }
  const signature = `${[...trains].sort().join(',')}|${[...keys].sort().join(',')}`
  return { kind: 'split', heldOut, heldOutRows: count, description: split.description, heldOutSources: [...split.heldOutSources], signature }
}

/** Per group of an evaluation's grouping: were its rows held out, trained on, or some of each? */
export function sourceRoles(scope: RowScope, codes: CodeArray, names: readonly string[]): Record<string, SourceRole> {
  const total = new Uint32Array(names.length)
  const out = new Uint32Array(names.length)
  for (let i = 0; i < codes.length; i++) {
    total[codes[i]]++
    out[codes[i]] += scope.heldOut[i]
  }
  const roles: Record<string, SourceRole> = {}
  names.forEach((name, g) => {
    roles[name] = scope.kind === 'unknown' ? 'unknown' : out[g] === 0 ? 'in training' : out[g] === total[g] ? 'held out' : 'partly held out'
  })
  return roles
}
