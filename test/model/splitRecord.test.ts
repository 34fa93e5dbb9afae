// The split record's one module: built from the rows' sources, written as the sidecar's two
// fields, read back the same, and a damaged record refused naming the file and the field.
import { describe, expect, it } from 'vitest'
import { checkSplitFields, decodeSplitRecord, encodeSplitRecord, savedSplit, splitRecordOf, SplitRecordError, unknownSplit } from '../../src/model/splitRecord.ts'

const rec = splitRecordOf({ mode: 'konvid-holdout', description: 'held out 2 clips', trainSources: ['konvid', 'B', 'A', 'B'], testSources: ['konvid', 'C'], heldOutKeys: ['k1', 'k2'] })

describe('splitRecord', () => {
  it('built from the sources: sorted, held out = the test sources that never trained, keys kept', () => {
    expect(rec).toEqual({ mode: 'konvid-holdout', description: 'held out 2 clips', trainSources: ['A', 'B', 'konvid'], heldOutSources: ['C'], heldOutKeys: ['k1', 'k2'] })
    expect(splitRecordOf({ mode: 'none', description: 'd', trainSources: ['A'], testSources: [], heldOutKeys: [] })).not.toHaveProperty('heldOutKeys')
  })

  it('encodes to the sidecar fields and decodes back to the same record', () => {
    const fields = encodeSplitRecord(rec)
    expect(JSON.stringify(fields)).toBe('{"split":"held out 2 clips","split_record":{"mode":"konvid-holdout","train_sources":["A","B","konvid"],"held_out_sources":["C"],"held_out_keys":["k1","k2"]}}')
    expect(decodeSplitRecord(JSON.parse(JSON.stringify(fields)), 'm.json')).toEqual(rec)
  })

  it('a block without a record is unknown, keeping a text-only split in the description', () => {
    expect(decodeSplitRecord(undefined, 'm.json')).toEqual(unknownSplit())
    expect(decodeSplitRecord({ split: 'loso fold Tennis' }, 'm.json')).toEqual(unknownSplit('unknown (recorded as text only: loso fold Tennis)'))
  })

  it('a damaged record throws SplitRecordError naming the file and the field', () => {
    const fail = (training: unknown) => {
      try {
        checkSplitFields(training, 'dir/m.json')
      } catch (e) {
        return e
      }
      return null
    }
    const record = { mode: 'loso', train_sources: ['A'], held_out_sources: ['B'] }
    const e = fail({ split: 's', split_record: { ...record, held_out_sources: 'B' } }) as SplitRecordError
    expect(e).toBeInstanceOf(SplitRecordError)
    expect([e.file, e.field]).toEqual(['dir/m.json', 'training.split_record'])
    expect(e.message).toBe('dir/m.json: field "training.split_record" needs "held_out_sources" as a list of names')
    expect((fail({ split: 's', split_record: [] }) as Error).message).toMatch(/must be an object/)
    expect((fail({ split: 's', split_record: { ...record, mode: '' } }) as Error).message).toMatch(/"mode" string/)
    expect((fail({ split: 's', split_record: { ...record, held_out_keys: [3] } }) as Error).message).toMatch(/held_out_keys/)
    const noText = fail({ split_record: record }) as SplitRecordError
    expect([noText.field, noText.message]).toEqual(['training.split', 'dir/m.json: field "training.split" must be a string next to "training.split_record"'])
    expect(() => decodeSplitRecord({ split_record: record }, 'dir/m.json')).toThrow(SplitRecordError)
    expect(fail({ split: 's', split_record: record })).toBeNull()
  })

  it('a saved model\'s split: the record, or null for one saved with the split as text', () => {
    expect(savedSplit(rec)).toBe(rec)
    expect(savedSplit('loso fold Tennis')).toBeNull()
    expect(savedSplit({ mode: 'loso', description: 'd', trainSources: 'A', heldOutSources: [] })).toBeNull()
  })
})
