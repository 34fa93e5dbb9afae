// An arm's final model (scheduleFinalModel): the arm's recipe on every row its corpora hold, no
// row held out, and a steps-matched arm matched on those same rows.
import { beforeAll, describe, expect, it } from 'vitest'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { CORPORA } from '../../src/data/table.ts'
import { DesignError } from '../../src/experiment/design.ts'
import { presetDesign } from '../../src/experiment/presets.ts'
import { scheduleFinalModel } from '../../src/experiment/schedule.ts'
import { loadDemo } from '../helpers/demoTable.ts'

let demo: FeatureTable
beforeAll(async () => {
  demo = await loadDemo()
})

const rowsOfCorpus = (t: FeatureTable, corpus: string) => {
  const code = CORPORA.indexOf(corpus as never)
  return t.corpusCodes().filter((c) => c === code).length
}

describe('scheduleFinalModel', () => {
  it("trains an arm's recipe on every row of its corpora and holds nothing out", () => {
    const recipe = presetDesign('recipe', { seeds: 3 })
    const nflx = rowsOfCorpus(demo, 'nflx')
    const raw = scheduleFinalModel(demo, recipe, 'raw30_nflx')
    expect(raw.spec.rows.trainRows.length).toBe(nflx)
    expect(raw.spec.rows.valRows.length).toBe(0)
    expect(raw.spec).toMatchObject({ id: 'recipe-raw30_nflx-all-s0', epochs: 30, scalerMode: 'raw', shuffle: 'randperm', seed: 0 })
    expect(raw.spec.split).toMatchObject({ mode: 'none', heldOutSources: [] })
    expect(raw.spec.split.trainSources).toHaveLength(9)
    const comb = scheduleFinalModel(demo, recipe, 'std90_comb', 2)
    expect(comb.spec.rows.trainRows.length).toBe(demo.rows)
    expect(comb.spec).toMatchObject({ id: 'recipe-std90_comb-all-s2', epochs: 90, scalerMode: 'standard' })
    expect(comb.spec.split.trainSources).toContain('konvid')
    // 'plain' order: every row once, in table order
    expect(Array.from(comb.spec.rows.trainRows)).toEqual(Array.from({ length: demo.rows }, (_, i) => i))
  })
  it('a steps-matched arm matches the other arm on all rows', () => {
    const fox = presetDesign('foxbird', { seeds: 1 })
    const b = scheduleFinalModel(demo, fox, 'b')
    const c = scheduleFinalModel(demo, fox, 'c')
    // b: 20,072 rows = 79 batches of 256 per epoch × 30 epochs; c: 10,800 rows = 43 batches → round(2,370 / 43)
    expect(b.spec.rows.trainRows.length).toBe(20_072)
    expect(c.spec.rows.trainRows.length).toBe(10_800)
    expect(c.spec.epochs).toBe(55)
  })
  it('names an unknown arm', () => {
    expect(() => scheduleFinalModel(demo, presetDesign('recipe', { seeds: 1 }), 'nope')).toThrow(DesignError)
    expect(() => scheduleFinalModel(demo, presetDesign('recipe', { seeds: 1 }), 'nope')).toThrow(/no arm "nope" \(arms: raw30_nflx, raw30_comb, std90_nflx, std90_comb\)/)
  })
})
