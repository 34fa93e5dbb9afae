import { describe, expect, it } from 'vitest'
import {
  SPLIT_MODES,
  SplitError,
  defaultHoldoutSource,
  konvidKeyHoldout,
  losoFolds,
  makeSplit,
  makeSplits,
  nflxSources,
  type Split,
} from '../../src/data/splits.ts'
import type { TableView } from '../../src/data/table.ts'
import { demoLike } from '../helpers/fakeTable.ts'

const DEMO_SOURCES = ['Harbor', 'Meadow', 'Alpine', 'Blossom', 'Creek', 'Cups', 'Ivy', 'Toonland', 'NightGrain']
const combined = demoLike({ sources: DEMO_SOURCES, konvidClips: 40 })
const nflxOnly = demoLike({ sources: DEMO_SOURCES })

/** Properties every split must have. */
function checkSplit(table: TableView, s: Split): void {
  const keys = table.keyCodes()
  const train = new Set(s.trainRows)
  expect(train.size).toBe(s.trainRows.length) // no row twice
  for (const r of s.valRows) expect(train.has(r)).toBe(false) // no row in both
  const trainKeys = new Set(Array.from(s.trainRows, (r) => keys[r]))
  for (const r of s.valRows) expect(trainKeys.has(keys[r])).toBe(false) // no clip in both
  for (const r of [...s.trainRows, ...s.valRows]) expect(r).toBeLessThan(table.rows)
  expect(s.description.length).toBeGreaterThan(20)
}

const corpusOf = (t: TableView, rows: Uint32Array) => new Set(Array.from(rows, (r) => t.corpusCodes()[r]))
const sourcesOf = (t: TableView, rows: Uint32Array) => new Set(Array.from(rows, (r) => t.sourceNames[t.sourceCodes()[r]]))

describe('loso folds', () => {
  it('cover every nflx source exactly once, in order of appearance, and leave nothing out', () => {
    for (const withKonvid of [true, false]) {
      const folds = losoFolds(combined, { withKonvid })
      expect(folds.map((f) => f.heldOutSource)).toEqual(DEMO_SOURCES)
      for (const f of folds) {
        checkSplit(combined, f)
        expect(sourcesOf(combined, f.valRows)).toEqual(new Set([f.heldOutSource]))
        expect(sourcesOf(combined, f.trainRows).has(f.heldOutSource!)).toBe(false)
        const nflxTrain = Array.from(f.trainRows).filter((r) => combined.corpusCodes()[r] === 0)
        expect(nflxTrain.length + f.valRows.length).toBe(DEMO_SOURCES.length * 12)
        expect(corpusOf(combined, f.trainRows).has(1)).toBe(withKonvid)
        expect(f.description).toContain(f.heldOutSource!)
      }
      // every nflx row is validated exactly once over the folds
      const val = folds.flatMap((f) => [...f.valRows]).sort((a, b) => a - b)
      expect(val).toEqual([...Array(DEMO_SOURCES.length * 12).keys()])
    }
  })

  it('train on konvid by default only when konvid rows are loaded', () => {
    const konvidRows = combined.rows - DEMO_SOURCES.length * 12
    expect(losoFolds(combined)[0].trainRows.length).toBe(8 * 12 + konvidRows)
    expect(losoFolds(nflxOnly)[0].trainRows.length).toBe(8 * 12)
    expect(() => losoFolds(nflxOnly, { withKonvid: true })).toThrow(SplitError)
  })

  it('put nflx rows before konvid rows whatever order the files were loaded in', () => {
    const konvidFirst = demoLike({ sources: DEMO_SOURCES, konvidClips: 40, konvidFirst: true })
    const f = losoFolds(konvidFirst)[0]
    const corpora = Array.from(f.trainRows, (r) => konvidFirst.corpusCodes()[r])
    const firstKonvid = corpora.indexOf(1)
    expect(corpora.slice(0, firstKonvid).every((c) => c === 0)).toBe(true)
    expect(corpora.slice(firstKonvid).every((c) => c === 1)).toBe(true)
    expect(firstKonvid).toBe(8 * 12)
  })

  it('need at least two nflx sources, with a message that says so', () => {
    const one = demoLike({ sources: ['Harbor'], konvidClips: 5 })
    expect(() => losoFolds(one)).toThrow(/at least 2 nflx sources; the loaded data has 1 \(Harbor\)/)
  })
})

describe('netflix-source', () => {
  it('holds out Tennis when present, else the first source alphabetically', () => {
    expect(defaultHoldoutSource(DEMO_SOURCES)).toBe('Alpine')
    expect(defaultHoldoutSource(['Zebra', 'Tennis', 'Apple'])).toBe('Tennis')
    expect(makeSplit(combined, { mode: 'netflix-source' }).heldOutSource).toBe('Alpine')
  })

  it('trains on the other sources plus every konvid row', () => {
    const s = makeSplit(combined, { mode: 'netflix-source', holdoutSource: 'NightGrain' })
    checkSplit(combined, s)
    expect(sourcesOf(combined, s.valRows)).toEqual(new Set(['NightGrain']))
    expect(s.trainRows.length + s.valRows.length).toBe(combined.rows)
    expect(s.description).toMatch(/NightGrain/)
    expect(s.description).toMatch(/all 40 konvid clips/)
  })

  it('names the sources when the requested one is missing', () => {
    expect(() => makeSplit(combined, { mode: 'netflix-source', holdoutSource: 'FoxBird' })).toThrow(
      /"FoxBird" is not in the loaded data; the nflx sources are Harbor, Meadow/,
    )
  })
})

describe('konvid holdout', () => {
  it('holds out whole clips: a seeded fraction of the keys, deterministic by seed', () => {
    const s0 = makeSplit(combined, { mode: 'konvid-holdout', seed: 0 })
    checkSplit(combined, s0)
    expect(s0.heldOutKeys.length).toBe(4) // round(40 × 0.1)
    expect(s0.heldOutSource).toBeNull()
    expect(corpusOf(combined, s0.valRows)).toEqual(new Set([1]))
    expect(s0.trainRows.length + s0.valRows.length).toBe(combined.rows)
    const again = makeSplit(combined, { mode: 'konvid-holdout', seed: 0 })
    expect(again.heldOutKeys).toEqual(s0.heldOutKeys)
    expect(again.trainRows).toEqual(s0.trainRows)
    const seeds = new Set(Array.from({ length: 8 }, (_, seed) => makeSplit(combined, { mode: 'konvid-holdout', seed }).heldOutKeys.join()))
    expect(seeds.size).toBeGreaterThan(4)
  })

  it('does not depend on the order the keys arrive in', () => {
    const keys = Array.from({ length: 50 }, (_, i) => `kv${i}`)
    expect(konvidKeyHoldout([...keys].reverse(), 0.2, 3)).toEqual(konvidKeyHoldout(keys, 0.2, 3))
    expect(konvidKeyHoldout(keys, 0.2, 3)).toHaveLength(10)
    expect(konvidKeyHoldout(['only'], 0.1, 0)).toEqual(['only']) // at least one clip
    expect(() => konvidKeyHoldout(keys, 1.5, 0)).toThrow(SplitError)
  })

  it('the fraction is honoured', () => {
    const s = makeSplit(combined, { mode: 'konvid-holdout', konvidFraction: 0.25, seed: 1 })
    expect(s.heldOutKeys.length).toBe(10)
    checkSplit(combined, s)
  })

  it('needs konvid rows', () => {
    expect(() => makeSplit(nflxOnly, { mode: 'konvid-holdout' })).toThrow(/no konvid rows are loaded/)
    expect(() => makeSplit(nflxOnly, { mode: 'konvid-only' })).toThrow(SplitError)
  })
})

describe('combined and single-corpus modes', () => {
  it('netflix-source-and-konvid-holdout validates on the union', () => {
    const s = makeSplit(combined, { mode: 'netflix-source-and-konvid-holdout', holdoutSource: 'Creek', seed: 2 })
    checkSplit(combined, s)
    const single = makeSplit(combined, { mode: 'konvid-holdout', seed: 2 })
    expect(s.heldOutKeys).toEqual(single.heldOutKeys)
    expect(s.valRows.length).toBe(12 + single.valRows.length)
    expect(s.trainRows.length + s.valRows.length).toBe(combined.rows)
    expect(s.name).toBe('Creek + konvid 10%')
  })

  it('netflix-only omits konvid, konvid-only omits nflx', () => {
    const n = makeSplit(combined, { mode: 'netflix-only' })
    checkSplit(combined, n)
    expect(corpusOf(combined, n.trainRows)).toEqual(new Set([0]))
    expect(corpusOf(combined, n.valRows)).toEqual(new Set([0]))
    expect(n.trainRows.length).toBe(8 * 12)
    expect(n.description).toMatch(/konvid rows omitted/)
    const k = makeSplit(combined, { mode: 'konvid-only' })
    checkSplit(combined, k)
    expect(corpusOf(combined, k.trainRows)).toEqual(new Set([1]))
    expect(corpusOf(combined, k.valRows)).toEqual(new Set([1]))
    expect(k.trainRows.length + k.valRows.length).toBe(combined.rows - 9 * 12)
  })

  it('every mode is deterministic and keeps clips whole', () => {
    for (const mode of SPLIT_MODES) {
      const a = makeSplits(combined, { mode, seed: 7 })
      const b = makeSplits(combined, { mode, seed: 7 })
      expect(a.length).toBe(mode === 'loso' ? 9 : 1)
      a.forEach((s, i) => {
        checkSplit(combined, s)
        expect(s.trainRows).toEqual(b[i].trainRows)
        expect(s.valRows).toEqual(b[i].valRows)
        expect(s.description).toBe(b[i].description)
      })
    }
  })

  it('nflxSources lists sources in order of first appearance', () => {
    expect(nflxSources(combined)).toEqual(DEMO_SOURCES)
    expect(nflxSources(demoLike({ sources: [], konvidClips: 3 }))).toEqual([])
  })
})

describe('resampled tables (benchmark)', () => {
  it('draw rows with replacement, seeded, keeping every column aligned', async () => {
    const { resampleTable } = await import('../../src/data/resample.ts')
    const big = resampleTable(combined, 5000, 3)
    expect(big.rows).toBe(5000)
    expect(resampleTable(combined, 5000, 3).target()).toEqual(big.target())
    expect(resampleTable(combined, 5000, 4).target()).not.toEqual(big.target())
    // every resampled row is a copy of some base row: features and target agree
    const m = big.matrix(['adm2', 'motion2'], [0, 4999])
    const src = big.sourceCodes()
    for (const [k, r] of [0, 4999].entries()) {
      const hits = Array.from({ length: combined.rows }, (_, i) => i).filter(
        (i) => combined.feature('adm2')[i] === m[k * 2] && combined.feature('motion2')[i] === m[k * 2 + 1],
      )
      expect(hits.some((i) => combined.sourceCodes()[i] === src[r] && combined.target()[i] === big.target()[r])).toBe(true)
    }
    const folds = losoFolds(big)
    expect(folds.map((f) => f.heldOutSource)).toEqual(DEMO_SOURCES)
    for (const f of folds) checkSplit(big, f)
  })
})
