// The schedule cut from splits.ts's typed grouping: every preset's runs on the demo corpus are the
// ones the per-row schedule made (digests written at the commit before it), and a table past the
// old 2M-row preview cap previews — counts, folds, steps matching and split records without
// building a row list — with each run's rows made when first read.
import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { codeTable } from '../../bench/codeTable.ts'
import { losoFolds } from '../../src/data/splits.ts'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { presetDesign } from '../../src/experiment/presets.ts'
import { planText } from '../../src/experiment/report.ts'
import { scheduleExperiment } from '../../src/experiment/schedule.ts'
import { loadDemo } from '../helpers/demoTable.ts'
import { presetDigests, type scheduleDigest } from './scheduleDigest.ts'

const before: Record<string, ReturnType<typeof scheduleDigest>> = JSON.parse(readFileSync(new URL('./scheduleDigest.json', import.meta.url), 'utf8'))

const bytes = (a: Uint32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)

let demo: FeatureTable
beforeAll(async () => {
  demo = await loadDemo()
})

describe('scheduleExperiment on the typed grouping', () => {
  it('every preset schedules the demo corpus exactly as before: ids, epochs, rows, test groups, split records', () => {
    const now = presetDigests(demo)
    expect(Object.keys(now)).toEqual(Object.keys(before))
    for (const [preset, d] of Object.entries(before)) expect(now[preset], preset).toEqual(d)
  })

  it('a 2.5M-row table previews, and its runs read the rows of the LOSO folds', () => {
    const table = codeTable({ rows: 2_500_000, sources: 9, clipFrames: 250, nflxFraction: 0.5 })
    const s = scheduleExperiment(table, presetDesign('foxbird'))
    const folds = losoFolds(table, { withKonvid: true })
    expect(planText(s)).toBe(`Leave one nflx source out, 9 times (${folds.map((f) => f.name).join(', ')}): 3 arms × 9 folds × 1 seed = 27 models.`)
    const b = s.runs.filter((r) => r.arm === 'b')
    // counts and split records come from the groups: the descriptions name the fold's row counts
    b.forEach((r, i) => {
      expect(r.spec.split.description).toContain(`trained on ${folds[i].trainRows.length.toLocaleString('en-US')} rows`)
      expect(r.spec.split.heldOutSources).toEqual([folds[i].name])
      expect(r.spec.split.trainSources).toEqual([...folds.map((f) => f.name).filter((n) => n !== folds[i].name), 'konvid'])
    })
    // (c) matches (b)'s steps on every fold from the counts alone
    for (const f of s.folds) expect(s.epochs.c[f]).toBe(Math.round((30 * Math.ceil(b.find((r) => r.fold === f)!.spec.rows.trainRows.length / 256)) / Math.ceil(s.runs.find((r) => r.arm === 'c' && r.fold === f)!.spec.rows.trainRows.length / 256)))
    // the rows, once read, are the LOSO fold's, and read twice are the same array
    const first = b[0].spec.rows
    expect(Buffer.compare(bytes(first.trainRows), bytes(folds[0].trainRows))).toBe(0)
    expect(Buffer.compare(bytes(first.valRows), bytes(folds[0].valRows))).toBe(0)
    expect(first.trainRows).toBe(first.trainRows)
    expect(b[0].groups[0].positions).toHaveLength(folds[0].valRows.length)
  })
})
