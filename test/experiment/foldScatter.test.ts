// The Experiments tab's fold scatter: an arm's points on a fold are its run's predictions on that
// fold's test rows against their VMAF (n of them), cross-corpus runs split per test group, hidden
// arms draw nothing, and a picked fold or seed that no longer exists falls back to the first.
import { describe, expect, it } from 'vitest'
import type { ConductedRun } from '../../src/experiment/conduct.ts'
import { foldScatter, runTruths, scatterChoices, scatterColumns, validChoice } from '../../src/experiment/foldScatter.ts'
import { presetDesign } from '../../src/experiment/presets.ts'
import type { RunOutcome } from '../../src/experiment/run.ts'
import { scheduleExperiment, type Schedule } from '../../src/experiment/schedule.ts'
import { fakeTable } from '../helpers/fakeTable.ts'

const rows = [
  ...['Alpine', 'Harbor', 'Wharf'].flatMap((source) => Array.from({ length: 6 }, (_, i) => ({ corpus: 'nflx' as const, source, key: `${source}_${i % 2}` }))),
  ...Array.from({ length: 8 }, (_, i) => ({ corpus: 'konvid' as const, source: 'konvid', key: `clip${i}` })),
]
const table = fakeTable(rows)
const target = table.target()
const OFFSET: Record<string, number> = { a: 1, b: 2, c: 3, nflx_to_konvid: 4, konvid_to_nflx: 5 }

/** Every scheduled run "finished", predicting VMAF + its arm's offset + its seed / 10. */
function conducted(s: Schedule, keep: (i: number) => boolean = () => true): ConductedRun[] {
  return s.runs.flatMap((scheduled, index) => {
    if (!keep(index)) return []
    const valRows = scheduled.spec.rows.valRows
    const pred = Float32Array.from(valRows, (r) => target[r] + OFFSET[scheduled.arm] + scheduled.seed / 10)
    return [{ scheduled, outcome: { index, pred } as unknown as RunOutcome }]
  })
}

describe('fold scatter', () => {
  const schedule = scheduleExperiment(table, presetDesign('foxbird', { seeds: 2, epochs: 2 }))
  const runs = conducted(schedule)
  const truths = runTruths(runs, target)

  it('each arm shows its run of that seed on the fold: n points, its predictions against the fold rows’ VMAF', () => {
    const sets = foldScatter(runs, truths, 'Harbor', 1, ['a', 'b', 'c'])
    expect(sets.map((s) => s.arm)).toEqual(['a', 'b', 'c'])
    const harbor = rows.flatMap((r, i) => (r.source === 'Harbor' ? [target[i]] : []))
    for (const s of sets) {
      expect(s.truth.length).toBe(6)
      expect([...s.truth].sort()).toEqual([...harbor].sort())
      s.pred.forEach((p, i) => expect(p).toBeCloseTo(s.truth[i] + OFFSET[s.arm] + 0.1, 5))
    }
  })

  it('folds in the schedule’s order and seeds ascending, only those with a finished run', () => {
    expect(scatterChoices(runs, schedule.folds)).toEqual({ folds: ['Alpine', 'Harbor', 'Wharf'], seeds: [0, 1] })
    const some = conducted(schedule, (i) => schedule.runs[i].fold !== 'Alpine' && schedule.runs[i].seed === 1)
    expect(scatterChoices(some, schedule.folds)).toEqual({ folds: ['Harbor', 'Wharf'], seeds: [1] })
    // an arm without a run there is left out
    const noB = conducted(schedule, (i) => schedule.runs[i].arm !== 'b')
    expect(foldScatter(noB, runTruths(noB, target), 'Wharf', 0, ['a', 'b', 'c']).map((s) => s.arm)).toEqual(['a', 'c'])
  })

  it('cross-corpus: one run per arm is split into its test groups', () => {
    const cross = scheduleExperiment(table, presetDesign('cross', { epochs: 2 }))
    const cr = conducted(cross)
    const t = runTruths(cr, target)
    expect(scatterChoices(cr, cross.folds).folds).toEqual(cross.folds)
    const [k2n] = foldScatter(cr, t, 'Wharf', 0, ['nflx_to_konvid', 'konvid_to_nflx'])
    expect(k2n.arm).toBe('konvid_to_nflx')
    expect(k2n.truth.length).toBe(6)
    const [n2k] = foldScatter(cr, t, 'konvid', 0, ['nflx_to_konvid', 'konvid_to_nflx'])
    expect([n2k.arm, n2k.truth.length]).toEqual(['nflx_to_konvid', 8])
  })

  it('columns: x ascending, each arm’s predictions at its own points, hidden arms draw nothing but keep the axes', () => {
    const sets = foldScatter(runs, truths, 'Alpine', 0, ['a', 'b', 'c'])
    const all = scatterColumns(sets)
    expect(all.x).toHaveLength(18)
    expect(all.x.every((v, i) => i === 0 || all.x[i - 1] <= v)).toBe(true)
    expect(all.drawn).toEqual({ a: 6, b: 6, c: 6 })
    all.columns.b.forEach((y, i) => y !== null && expect(y).toBeCloseTo(all.x[i] + 2, 5))
    const hidden = scatterColumns(sets, new Set(['b']))
    expect(hidden.drawn).toEqual({ a: 6, b: 0, c: 6 })
    expect(hidden.columns.b.every((y) => y === null)).toBe(true)
    expect(hidden.range).toEqual(all.range)
    expect(all.range[0]).toBeLessThan(Math.min(...all.x))
    expect(all.range[1]).toBeGreaterThan(Math.max(...all.x) + 3)
  })

  it('a picked value that is not among the options falls back to the first', () => {
    expect(validChoice('Harbor', ['Alpine', 'Harbor'])).toBe('Harbor')
    expect(validChoice('NightGrain', ['Alpine', 'Harbor'])).toBe('Alpine')
    expect(validChoice(null, ['Alpine'])).toBe('Alpine')
    expect(validChoice(3, [])).toBeNull()
  })
})
