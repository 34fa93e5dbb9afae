// The designer's planner on the demo corpus: arms × folds × seeds, steps matching, konvid fractions
// by whole clips, the recipes' row orders, cross-corpus test groups, and design checks.
import { beforeAll, describe, expect, it } from 'vitest'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { losoFolds } from '../../src/data/splits.ts'
import { CORPORA } from '../../src/data/table.ts'
import { checkDesign, DesignError } from '../../src/experiment/design.ts'
import { presetDesign } from '../../src/experiment/presets.ts'
import { scheduleExperiment, type Schedule } from '../../src/experiment/schedule.ts'
import { readJson } from '../helpers/shared.ts'
import { loadDemo } from '../helpers/demoTable.ts'

let table: FeatureTable
beforeAll(async () => {
  table = await loadDemo()
})

const runsOf = (s: Schedule, arm: string) => s.runs.filter((r) => r.arm === arm)
const rowsOf = (s: Schedule, arm: string, fold: string) => [...runsOf(s, arm).find((r) => r.fold === fold)!.spec.rows.trainRows]
const clipsOf = (rows: number[]) => {
  const corpus = table.corpusCodes()
  const keys = table.keyCodes()
  return new Set(rows.filter((r) => CORPORA[corpus[r]] === 'konvid').map((r) => table.keyNames[keys[r]]))
}

describe('scheduleExperiment', () => {
  it('foxbird: 3 arms × 9 folds × seeds; (a), (b) train on the LOSO folds\' rows; (c) matches (b)\'s steps like the study', () => {
    const s = scheduleExperiment(table, presetDesign('foxbird', { seeds: 2, firstSeed: 3 }))
    expect(s.runs).toHaveLength(3 * 9 * 2)
    expect(s.folds).toHaveLength(9)
    expect(new Set(s.runs.map((r) => r.seed))).toEqual(new Set([3, 4]))
    const a = losoFolds(table, { withKonvid: false })
    const b = losoFolds(table, { withKonvid: true })
    a.forEach((f, i) => {
      expect(rowsOf(s, 'a', f.name)).toEqual([...f.trainRows])
      expect(rowsOf(s, 'b', f.name)).toEqual([...b[i].trainRows])
      expect([...runsOf(s, 'a').find((r) => r.fold === f.name)!.spec.rows.valRows]).toEqual([...f.valRows])
    })
    // (c)'s epochs per fold are the ones PyTorch's run of the study trained (its fixture)
    expect(s.epochs.c).toEqual(readJson<{ epochs_c: Record<string, number> }>('fixtures', 'loso_torch_demo.json').epochs_c)
    // (c) trains as many optimizer steps as (b), to within half of one of its own epochs
    for (const f of s.folds) {
      const steps = (arm: string) => s.epochs[arm][f] * Math.ceil(rowsOf(s, arm, f).length / 256)
      expect(s.epochs.c[f]).toBeGreaterThan(30)
      expect(Math.abs(steps('c') - steps('b'))).toBeLessThanOrEqual(Math.ceil(rowsOf(s, 'c', f).length / 256) / 2)
    }
    expect(Object.values(s.epochs.b).every((e) => e === 30)).toBe(true)
    expect(s.runs.every((r) => r.spec.shuffle === 'dataloader')).toBe(true)
    expect(s.runs[0].spec.id).toBe(`foxbird-a-${s.folds[0]}-s3`)
  })

  it('arch: 4 archs × 9 folds × 5 seeds = 180 runs, rows in file order, randperm epochs', () => {
    const s = scheduleExperiment(table, presetDesign('arch', { seeds: 5 }))
    expect(s.runs).toHaveLength(180)
    expect(new Set(s.runs.map((r) => r.spec.arch.widths.join('-')))).toEqual(new Set(['6-1', '6-16-8-1', '6-64-32-1', '6-64-32-16-1']))
    const rows = rowsOf(s, 'mlp_medium', 'Harbor')
    expect(rows.every((r, i) => i === 0 || r > rows[i - 1])).toBe(true)
    expect(rows).toHaveLength(table.rows - 1200)
    expect(s.runs.every((r) => r.spec.shuffle === 'randperm')).toBe(true)
  })

  it('dose: whole konvid clips, nested, seeded; 0 % is (a)\'s rows and 100 % is (b)\'s', () => {
    const s = scheduleExperiment(table, presetDesign('dose'))
    const fox = scheduleExperiment(table, presetDesign('foxbird'))
    const allClips = clipsOf([...Array(table.rows).keys()])
    expect(allClips.size).toBe(340)
    let previous = new Set<string>()
    for (const [pct, n] of [[0, 0], [10, 34], [25, 85], [50, 170], [100, 340]] as const) {
      const rows = rowsOf(s, `konvid_${pct}`, 'NightGrain')
      const clips = clipsOf(rows)
      expect(clips.size).toBe(n)
      // whole clips: every frame of a picked clip trains
      const konvidRows = rows.filter((r) => CORPORA[table.corpusCodes()[r]] === 'konvid').length
      const keys = table.keyCodes()
      const framesOfPicked = [...Array(table.rows).keys()].filter((r) => CORPORA[table.corpusCodes()[r]] === 'konvid' && clips.has(table.keyNames[keys[r]])).length
      expect(konvidRows).toBe(framesOfPicked)
      for (const c of previous) expect(clips.has(c)).toBe(true)
      previous = clips
    }
    for (const fold of s.folds) {
      expect(rowsOf(s, 'konvid_0', fold)).toEqual(rowsOf(fox, 'a', fold))
      expect(rowsOf(s, 'konvid_100', fold)).toEqual(rowsOf(fox, 'b', fold))
    }
    // the same seed picks the same clips every time; another seed picks other clips
    expect(clipsOf(rowsOf(scheduleExperiment(table, presetDesign('dose', { seeds: 3 })), 'konvid_25', 'Harbor'))).toEqual(clipsOf(rowsOf(s, 'konvid_25', 'Harbor')))
    const other = checkDesign({ ...presetDesign('dose'), arms: [{ ...presetDesign('dose').arms[1], konvid: { fraction: 0.1, seed: 1 } }], comparisons: [] })
    expect(clipsOf(rowsOf(scheduleExperiment(table, other), 'konvid_10', 'NightGrain'))).not.toEqual(clipsOf(rowsOf(s, 'konvid_10', 'NightGrain')))
  })

  it('cross: one run per arm × seed, scored per nflx source or on the konvid clips', () => {
    const s = scheduleExperiment(table, presetDesign('cross', { seeds: 2 }))
    expect(s.runs).toHaveLength(4)
    const k2n = runsOf(s, 'konvid_to_nflx')[0]
    expect(k2n.groups.map((g) => g.fold)).toEqual(table.sourceNames.filter((n) => s.folds.includes(n) && n !== 'konvid').slice(0, 9))
    expect(k2n.groups.reduce((n, g) => n + g.positions.length, 0)).toBe(10800)
    expect(k2n.spec.rows.trainRows).toHaveLength(table.rows - 10800)
    const n2k = runsOf(s, 'nflx_to_konvid')[0]
    expect(n2k.groups.map((g) => g.fold)).toEqual(['konvid'])
    expect(n2k.spec.rows.trainRows).toHaveLength(10800)
    expect(n2k.spec.split.heldOutSources).toEqual(['konvid'])
  })

  it('konvid clip holdout and a fixed validation source', () => {
    const base = presetDesign('foxbird')
    const kh = scheduleExperiment(table, { ...base, protocol: { kind: 'konvid-holdout', fraction: 0.2, seed: 0 } })
    expect(kh.folds).toEqual(['konvid'])
    const b = runsOf(kh, 'b')[0]
    const held = clipsOf([...b.spec.rows.valRows])
    expect(held.size).toBe(68)
    for (const c of clipsOf([...b.spec.rows.trainRows])) expect(held.has(c)).toBe(false)
    const fixed = scheduleExperiment(table, { ...base, protocol: { kind: 'fixed-source', source: 'Creek' } })
    expect(fixed.folds).toEqual(['Creek'])
    expect(fixed.runs).toHaveLength(3)
  })

  it('refuses what the design or the data cannot do, naming the file', () => {
    const d = presetDesign('foxbird')
    expect(() => checkDesign({ ...d, arms: [{ ...d.arms[0], epochs: 0 }] }, 'x.json')).toThrow(/x\.json: arm "a": epochs/)
    expect(() => checkDesign({ ...d, arms: [{ ...d.arms[2], matchStepsOf: 'zz' }] }, 'x.json')).toThrow(DesignError)
    expect(() => checkDesign({ ...d, protocol: { kind: 'nope' } })).toThrow(/protocol.kind/)
    expect(() => checkDesign({ ...d, arms: [{ ...d.arms[0], nflx: 'none' }] })).toThrow(/trains on nothing/)
    expect(() => scheduleExperiment(table, { ...d, protocol: { kind: 'fixed-source', source: 'Nowhere' } })).toThrow(/Nowhere/)
    expect(() => scheduleExperiment(table, presetDesign('cross'))).not.toThrow()
    expect(() => scheduleExperiment(table, { ...presetDesign('foxbird'), protocol: { kind: 'cross' } })).toThrow(/trains on both corpora/)
  })
})
