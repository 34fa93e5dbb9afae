// The designer's edits keep a design whole, dose responses are recognised by their arms, and the
// Experiments tab's loss curves and report read what the schedule and the summary say.
import { describe, expect, it } from 'vitest'
import { checkDesign } from '../../src/experiment/design.ts'
import { addArm, doseFractions, removeArm, renameArm } from '../../src/experiment/designEdit.ts'
import { armLossCurves, sharedLossRange } from '../../src/experiment/lossCurves.ts'
import { presetDesign } from '../../src/experiment/presets.ts'
import { corporaText, experimentReportJson, experimentReportMarkdown, planText } from '../../src/experiment/report.ts'
import { scheduleExperiment } from '../../src/experiment/schedule.ts'
import { summarizeExperiment, type Outcome } from '../../src/experiment/summary.ts'
import { fakeTable } from '../helpers/fakeTable.ts'

describe('design edits', () => {
  it('renaming an arm renames its comparisons and the arms matching its steps', () => {
    const d = renameArm(presetDesign('foxbird'), 'b', 'konvid')
    expect(d.arms.map((a) => a.id)).toEqual(['a', 'konvid', 'c'])
    expect(d.arms[2].matchStepsOf).toBe('konvid')
    expect(d.comparisons).toEqual([{ a: 'a', b: 'konvid' }, { a: 'a', b: 'c' }, { a: 'c', b: 'konvid' }])
    expect(() => checkDesign(d)).not.toThrow()
  })

  it('removing an arm drops its comparisons; an arm that matched it trains its own epochs', () => {
    const d = removeArm(presetDesign('foxbird'), 'b')
    expect(d.arms.map((a) => a.id)).toEqual(['a', 'c'])
    expect(d.arms[1].matchStepsOf).toBeUndefined()
    expect(d.comparisons).toEqual([{ a: 'a', b: 'c' }])
    expect(() => checkDesign(d)).not.toThrow()
  })

  it('an added arm copies the last recipe under a new id and matches nothing', () => {
    const d = addArm(addArm(presetDesign('foxbird')))
    expect(d.arms.map((a) => a.id)).toEqual(['a', 'b', 'c', 'arm4', 'arm5'])
    expect(d.arms[3].matchStepsOf).toBeUndefined()
    expect(() => checkDesign(d)).not.toThrow()
  })

  it('dose responses: the dose preset is one, foxbird and arch are not, an edited recipe breaks it', () => {
    expect(doseFractions(presetDesign('dose'))).toEqual({ konvid_0: 0, konvid_10: 0.1, konvid_25: 0.25, konvid_50: 0.5, konvid_100: 1 })
    expect(doseFractions(presetDesign('foxbird'))).toBeNull()
    expect(doseFractions(presetDesign('arch'))).toBeNull()
    const d = presetDesign('dose')
    d.arms[2] = { ...d.arms[2], lr: 0.01 }
    expect(doseFractions(d)).toBeNull()
  })
})

describe('preset options', () => {
  it('recipe replaces every arm’s settings; arms keeps some, their comparisons follow; an unknown arm is refused', () => {
    const d = presetDesign('foxbird', { seeds: 5, firstSeed: 2, epochs: 12, recipe: { arch: 'mlp_medium', lr: 0.01, batchSize: 64 } })
    expect(d.arms.map((a) => [a.arch, a.lr, a.batchSize, a.epochs])).toEqual([['mlp_medium', 0.01, 64, 12], ['mlp_medium', 0.01, 64, 12], ['mlp_medium', 0.01, 64, 12]])
    expect([d.seeds, d.firstSeed, d.arms[2].matchStepsOf]).toEqual([5, 2, 'b'])
    const ac = presetDesign('foxbird', { arms: ['a', 'c'] })
    expect(ac.arms.map((a) => a.id)).toEqual(['a', 'c'])
    expect(ac.arms[1].matchStepsOf).toBeUndefined()
    expect(ac.comparisons).toEqual([{ a: 'a', b: 'c' }])
    expect(() => checkDesign(ac)).not.toThrow()
    expect(() => presetDesign('foxbird', { arms: ['a', 'd'] })).toThrow("the foxbird preset's arms are a, b, c; asked for d")
    expect(() => presetDesign('dose', { arms: [] })).toThrow(/asked for none/)
  })
})

describe('loss curves and the report', () => {
  const rows = [
    ...['Alpine', 'Harbor', 'Wharf'].flatMap((source) => Array.from({ length: 6 }, (_, i) => ({ corpus: 'nflx' as const, source, key: `${source}_${i % 2}` }))),
    ...Array.from({ length: 8 }, (_, i) => ({ corpus: 'konvid' as const, source: 'konvid', key: `clip${i}` })),
  ]
  const table = fakeTable(rows)
  const design = presetDesign('foxbird', { seeds: 2, epochs: 3 })
  const schedule = scheduleExperiment(table, design)

  it('per fold the mean over seeds, and one range of whole decades over every arm', () => {
    const losses = schedule.runs.map((r) => (r.arm === 'a' ? [r.seed === 0 ? 10 : 20, 4] : r.arm === 'b' ? [100] : []))
    const a = armLossCurves(schedule, losses, 'a')
    expect(a.folds).toEqual(schedule.folds)
    expect(a.curves[0]).toEqual([15, 4])
    const b = armLossCurves(schedule, losses, 'b')
    const range = sharedLossRange([...a.curves, ...b.curves])!
    // whole decades: 4 → 1, and 100 is one already
    expect(range).toEqual([1, 100])
    expect(sharedLossRange([[0.0979, 5984]])).toEqual([0.01, 10000])
    expect(sharedLossRange([[100]])).toEqual([10, 1000])
    expect(sharedLossRange([[3e-5, 2e-3]])).toEqual([1e-5, 1e-2])
    expect(sharedLossRange([[null]])).toBeNull()
  })

  it('the intro counts the folds the schedule has', () => {
    expect(planText(schedule)).toBe(`Leave one nflx source out, ${schedule.folds.length} times (${schedule.folds.join(', ')}): 3 arms × ${schedule.folds.length} folds × 2 seeds = ${schedule.runs.length} models.`)
    expect(corporaText({ nflx: 'all', konvid: { fraction: 0.25, seed: 0 } })).toBe('nflx + 25% of the konvid clips (seed 0)')
  })

  it('the report carries the summary and lays it out in Markdown', () => {
    const outcomes: Outcome[] = schedule.runs.map((r, i) => ({ arm: r.arm, fold: r.fold, seed: r.seed, plcc: 0.5 + 0.01 * (i % 7), srocc: 0.5, rmse: 5, n: 10, trainLoss: [100, 10, 1] }))
    const summary = summarizeExperiment({ experiment: 'foxbird', arms: design.arms, outcomes, pooled: [], comparisons: design.comparisons })
    const j = experimentReportJson({ design, summary, runs: [], failures: [], files: [{ name: 'x.parquet', sha256: 'ab'.repeat(32) }], device: 'cpu', wallMs: 1500, cancelled: false, planned: schedule.runs.length })
    expect(j.arms).toBe(summary.arms)
    expect(j.comparisons.map((c) => c.verdict)).toHaveLength(3)
    const md = experimentReportMarkdown(j)
    expect(md).toContain('# Experiment: foxbird')
    expect(md).toContain(summary.reading)
    expect(md).toContain(`| **mean ± std** | ${summary.arms.a.mean.plcc!.toFixed(4)} ± ${summary.arms.a.std.plcc!.toFixed(4)} |`)
    expect(md).toContain('| c | nflx only, steps-matched | nflx | mlp_small | steps of b |')
  })
})
