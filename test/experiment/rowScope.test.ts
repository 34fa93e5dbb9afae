// Evaluate's "held-out rows only": for every split mode the rows rowScope marks as held out are
// exactly the rows the split did not train on, read back from the split record alone (what a
// sidecar carries); sourceRoles names each source; a missing record is "unknown", never guessed.
import { beforeAll, describe, expect, it } from 'vitest'
import { rowScope, sourceRoles } from '../../src/experiment/rowScope.ts'
import type { FeatureTable } from '../../src/data/featureTable.ts'
import { makeSplit, type SplitMode } from '../../src/data/splits.ts'
import { splitRecord } from '../../src/experiment/records.ts'
import { groupRows } from '../../src/metrics/index.ts'
import { unknownSplit } from '../../src/model/splitRecord.ts'
import { loadDemo } from '../helpers/demoTable.ts'

let table: FeatureTable
beforeAll(async () => {
  table = await loadDemo()
})

const MODES: SplitMode[] = ['netflix-source', 'konvid-holdout', 'netflix-source-and-konvid-holdout', 'netflix-only', 'konvid-only']

describe('rowScope', () => {
  for (const mode of MODES)
    it(`${mode}: held out = not trained on`, () => {
      const split = makeSplit(table, { mode, holdoutSource: 'NightGrain', konvidFraction: 0.2, seed: 3 })
      const scope = rowScope(splitRecord(table, { ...split, mode }), table)
      const trained = new Uint8Array(table.rows)
      for (const r of split.trainRows) trained[r] = 1
      expect(scope.kind).toBe('split')
      let mismatches = 0
      for (let i = 0; i < table.rows; i++) if (scope.heldOut[i] === trained[i]) mismatches++
      expect(mismatches).toBe(0)
      expect(scope.heldOutRows).toBe(table.rows - split.trainRows.length)
      // every validation row is among the held-out rows
      for (const r of split.valRows) expect(scope.heldOut[r]).toBe(1)
    })

  it('names each source held out, in training or partly held out', () => {
    const nflx = rowScope(splitRecord(table, { ...makeSplit(table, { mode: 'netflix-source', holdoutSource: 'NightGrain' }), mode: 'netflix-source' }), table)
    const g = groupRows(table, 'source')
    const roles = sourceRoles(nflx, g.codes, g.names)
    expect(roles.NightGrain).toBe('held out')
    expect(roles.Harbor).toBe('in training')
    expect(roles['konvid (all clips)']).toBe('in training')
    const clips = rowScope(splitRecord(table, { ...makeSplit(table, { mode: 'konvid-holdout', konvidFraction: 0.2, seed: 0 }), mode: 'konvid-holdout' }), table)
    expect(sourceRoles(clips, g.codes, g.names)['konvid (all clips)']).toBe('partly held out')
    expect(clips.signature).not.toBe(nflx.signature)
  })

  it('an unknown split shows every row and says unknown', () => {
    for (const rec of [null, unknownSplit()]) {
      const scope = rowScope(rec, table)
      expect(scope.kind).toBe('unknown')
      expect(scope.heldOutRows).toBe(table.rows)
      const g = groupRows(table, 'source')
      expect(new Set(Object.values(sourceRoles(scope, g.codes, g.names)))).toEqual(new Set(['unknown']))
    }
  })
})
