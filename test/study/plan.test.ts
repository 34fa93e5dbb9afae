import { describe, expect, it } from 'vitest'
import { planStudy, studyAvailability } from '../../src/study/plan.ts'
import { DEFAULT_STUDY_SETTINGS, StudyError, type StudySettings } from '../../src/study/types.ts'
import { demoLike } from '../helpers/fakeTable.ts'

const SOURCES = ['Harbor', 'Meadow', 'Alpine', 'Blossom', 'Creek', 'Cups', 'Ivy', 'Toonland', 'NightGrain']
// the demo corpus's geometry: 9 sources × 25 clips × 48 frames, 340 konvid clips (9,179 rows here)
const demo = demoLike({ sources: SOURCES, clipsPerSource: 25, framesPerClip: 48, konvidClips: 340, konvidFrames: 26 })
const nflxOnly = demoLike({ sources: SOURCES, clipsPerSource: 25, framesPerClip: 48 })
const settings = (o: Partial<StudySettings> = {}): StudySettings => ({ ...DEFAULT_STUDY_SETTINGS, ...o })

describe('planStudy', () => {
  it('plans arms × seeds × folds with (c) steps-matched to (b)', () => {
    const plan = planStudy(demo, settings({ seeds: 2 }))
    expect(plan.folds).toEqual(SOURCES)
    expect(plan.widths).toEqual([6, 16, 8, 1])
    expect(plan.runs).toHaveLength(3 * 2 * 9)
    for (const f of SOURCES) expect(plan.epochsC[f]).toBe(58)
    const a = plan.runs.find((r) => r.arm === 'a' && r.fold === 'NightGrain' && r.seed === 1)!
    const b = plan.runs.find((r) => r.arm === 'b' && r.fold === 'NightGrain' && r.seed === 1)!
    const c = plan.runs.find((r) => r.arm === 'c' && r.fold === 'NightGrain' && r.seed === 1)!
    expect(a.split.trainRows.length).toBe(9600)
    expect(a.steps).toBe(38 * 30)
    expect(b.steps).toBe(74 * 30)
    expect(c.epochs).toBe(58)
    expect(c.split.trainRows).toEqual(a.split.trainRows)
    expect(Math.abs(c.steps - b.steps)).toBeLessThanOrEqual(c.stepsPerEpoch / 2)
    expect(plan.totalSamples).toBe(plan.runs.reduce((s, r) => s + r.epochs * r.split.trainRows.length, 0))
    expect(new Set(plan.runs.map((r) => r.id)).size).toBe(plan.runs.length)
  })

  it('runs seeds firstSeed … firstSeed + seeds - 1', () => {
    const plan = planStudy(demo, settings({ seeds: 3, firstSeed: 7, arms: ['a'] }))
    expect([...new Set(plan.runs.map((r) => r.seed))]).toEqual([7, 8, 9])
    expect(() => planStudy(demo, settings({ firstSeed: -1 }))).toThrow(StudyError)
  })

  it('disables (b) and (c) with an explanation when only nflx is loaded', () => {
    const plan = planStudy(nflxOnly, settings())
    expect(plan.runs.every((r) => r.arm === 'a')).toBe(true)
    const b = plan.arms.find((p) => p.arm === 'b')!
    expect(b.enabled).toBe(false)
    expect(b.reason).toMatch(/only nflx rows are loaded/)
    expect(plan.epochsC).toEqual({})
  })

  it('refuses data with fewer than 2 nflx sources, and bad settings, with clear messages', () => {
    const one = demoLike({ sources: ['Harbor'], konvidClips: 10 })
    expect(() => planStudy(one, settings())).toThrow(/at least 2 nflx sources to leave one out; the loaded data has 1 \(Harbor\)/)
    expect(studyAvailability(null).ok).toBe(false)
    expect(studyAvailability(one).arms.every((a) => !a.enabled)).toBe(true)
    expect(() => planStudy(demo, settings({ epochs: 0 }))).toThrow(StudyError)
    expect(() => planStudy(demo, settings({ seeds: 1.5 }))).toThrow(/seeds/)
    expect(() => planStudy(demo, settings({ features: ['adm2', 'nope'] }))).toThrow(/feature "nope"/)
    expect(() => planStudy(demo, settings({ arch: 'huge' }))).toThrow(/unknown architecture/)
  })

  it('runs only the selected arms; (c) without (b) still gets its matched epochs', () => {
    const plan = planStudy(demo, settings({ arms: ['c'] }))
    expect(new Set(plan.runs.map((r) => r.arm))).toEqual(new Set(['c']))
    expect(plan.runs[0].epochs).toBe(58)
    expect(plan.arms.find((p) => p.arm === 'a')!.reason).toMatch(/not selected/)
  })
})
