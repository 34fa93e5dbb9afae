// The table's compact per-row columns, filled through the real append path (beginFile, append,
// commitFile, rollback) and compared with a plain-array reference that replays the same files:
// frame_index held as runs (gaps, -1 files, non-monotonic values, a rollback inside a run, many
// small chunks), source and key codes 16-bit until a dictionary outgrows them, and loadedBytes
// stating the bytes the columns hold.
import { describe, expect, test } from 'vitest'
import { FeatureTable } from '../../src/data/featureTable.ts'
import type { FileStart, RowChunk } from '../../src/data/chunk.ts'
import { resampleTable } from '../../src/data/resample.ts'
import { FEATURES } from '../../src/data/schema.ts'
import { rng } from '../../bench/scaleCorpus.ts'


interface FileRows {
  name: string
  /** per row; null: the file has no frame_index column */
  frames: number[] | null
  sources: string[]
  keys: string[]
}

function start(file: number, name: string): FileStart {
  return { file, name, bytes: 0, rows: 0, rowGroups: 1, target: 'vmaf', features: [...FEATURES], extrasAvailable: [], corpusTag: 'nflx', singleSource: null, group: 'source' }
}

/** Strings as a chunk carries them: a local dictionary (in an order of its own) and a code per row. */
function coded(values: string[]): { names: string[]; codes: Uint32Array } {
  const names = [...new Set(values)].reverse()
  const index = new Map(names.map((n, i) => [n, i]))
  return { names, codes: Uint32Array.from(values, (v) => index.get(v)!) }
}

function chunkOf(f: FileRows, a: number, b: number): RowChunk {
  const rows = b - a
  const values: Record<string, Float32Array> = {}
  for (const c of [...FEATURES, 'vmaf']) values[c] = Float32Array.from({ length: rows }, (_, i) => a + i)
  return {
    file: 0, rowGroup: 0, rows, values,
    source: coded(f.sources.slice(a, b)),
    key: coded(f.keys.slice(a, b)),
    corpus: null,
    frameIndex: f.frames && Int32Array.from(f.frames.slice(a, b)),
  }
}

/** The table and a plain-array copy of what it should hold. */
class Pair {
  readonly table = new FeatureTable()
  readonly frames: number[] = []
  readonly sources: string[] = []
  readonly keys: string[] = []

  /** Load `f` in chunks of the given sizes (the last repeats); `fail`: roll the file back after appending. */
  load(f: FileRows, sizes: number[], fail = false): void {
    const t = this.table
    const mark = t.beginFile(start(0, f.name))
    const n = f.sources.length
    for (let a = 0, k = 0; a < n; k++) {
      const b = Math.min(n, a + sizes[Math.min(k, sizes.length - 1)])
      t.append(mark, chunkOf(f, a, b))
      a = b
    }
    if (fail) {
      t.rollback(mark)
      return
    }
    t.commitFile(mark, { file: 0, sha256: '', rows: n, excluded: 0, excludedBy: {} })
    this.frames.push(...(f.frames ?? new Array<number>(n).fill(-1)))
    this.sources.push(...f.sources)
    this.keys.push(...f.keys)
  }

  expectSame(): void {
    const t = this.table
    expect(t.rows).toBe(this.frames.length)
    expect(Array.from(t.frameIndex())).toEqual(this.frames)
    expect(Array.from(t.sourceCodes(), (c) => t.sourceNames[c])).toEqual(this.sources)
    expect(Array.from(t.keyCodes(), (c) => t.keyNames[c])).toEqual(this.keys)
  }
}

/** Runs as the reference counts them: a row continues the row before when a frame index ≥ 0 goes up by one or a negative one repeats. */
function referenceRuns(frames: number[]): number {
  let runs = 0
  for (let i = 0; i < frames.length; i++) {
    const p = frames[i - 1]
    if (i === 0 || frames[i] !== (p < 0 ? p : p + 1)) runs++
  }
  return runs
}

/** What the columns must hold: floats and corpus per row, codes at their array's width, 8 bytes a frame run. */
function expectedBytes(t: FeatureTable, frames: number[]): number {
  const perRow = 4 * (t.featureNames.length + 1) + 1 + t.sourceCodes().BYTES_PER_ELEMENT + t.keyCodes().BYTES_PER_ELEMENT
  return t.rows * perRow + 8 * referenceRuns(frames)
}

function clipFile(name: string, clips: number, frames: number, first = 0): FileRows {
  const out: FileRows = { name, frames: [], sources: [], keys: [] }
  for (let c = 0; c < clips; c++)
    for (let f = 0; f < frames; f++) {
      out.frames!.push(first + f)
      out.sources.push(`${name}-src${c % 3}`)
      out.keys.push(`${name}-clip${c}`)
    }
  return out
}

describe('frame index as runs', () => {
  test('runs, gaps, -1 files, non-monotonic values and many small chunks equal the reference', () => {
    const rnd = rng(7)
    const p = new Pair()
    p.load(clipFile('a', 5, 40), [7, 1, 13])
    // a file without frame_index, then one whose frames jump about, repeat, go back and hit the int32 edges
    p.load({ ...clipFile('b', 2, 30), frames: null }, [4])
    const wild = [5, 6, 7, 7, 3, 4, 100, -1, -1, 0, 1, -5, -5, -4, 2147483646, 2147483647, -2147483648, 9, 11, 13, 12, 11]
    // across chunk boundaries (a row per chunk), and within one chunk
    p.load({ ...clipFile('c', 1, wild.length), frames: wild }, [1])
    p.load({ ...clipFile('c2', 1, wild.length), frames: wild }, [wild.length])
    const jumpy = clipFile('d', 4, 50)
    jumpy.frames = jumpy.frames!.map((v, i) => (rnd() < 0.1 ? Math.floor(rnd() * 60) - 2 : v + (i > 100 ? 3 : 0)))
    p.load(jumpy, [1, 2, 3, 5, 8])
    p.load({ ...clipFile('e', 1, 3), frames: null }, [1])
    p.expectSame()
    expect(p.table.loadedBytes).toBe(expectedBytes(p.table, p.frames))
    // rows picked in any order, repeated, match the full decode
    const all = p.table.frameIndex()
    const picks = Uint32Array.from({ length: 500 }, () => Math.floor(rnd() * p.table.rows))
    expect(Array.from(p.table.frameIndex(picks))).toEqual(Array.from(picks, (r) => all[r]))
    expect(Array.from(p.table.frameIndex(Uint32Array.from(picks).sort()))).toEqual(Array.from(Uint32Array.from(picks).sort(), (r) => all[r]))
    expect(() => p.table.frameIndex([p.table.rows])).toThrow(RangeError)
    // a fresh array every call: writing into one does not change the table
    all.fill(42)
    expect(Array.from(p.table.frameIndex())).toEqual(p.frames)
  })

  test('a file that continues the last run and fails half-way is rolled back inside that run', () => {
    const p = new Pair()
    p.load(clipFile('a', 1, 100), [30])
    const runsBefore = referenceRuns(p.frames)
    // frames 100… continue a's run: the failed file leaves no trace, not even a longer run
    p.load({ ...clipFile('a', 1, 80, 100), name: 'b' }, [25], true)
    p.expectSame()
    expect(p.table.loadedBytes).toBe(expectedBytes(p.table, p.frames))
    expect(referenceRuns(p.frames)).toBe(runsBefore)
    // a failed file that breaks runs, then files that continue the run and break it
    p.load(clipFile('x', 3, 17, 5), [4], true)
    p.load({ ...clipFile('a', 1, 50, 100), name: 'c' }, [3, 11])
    p.load({ ...clipFile('d', 2, 10, 150), frames: null }, [2], true)
    p.load(clipFile('e', 2, 10, 150), [6])
    p.expectSame()
    expect(p.table.loadedBytes).toBe(expectedBytes(p.table, p.frames))
    // a's run goes on through c and e's first clip; e's second clip starts the only other run
    expect(referenceRuns(p.frames)).toBe(2)
  })

  test('worst case, every row breaks the run: twice an Int32Array, and trim leaves no spare runs', () => {
    const rnd = rng(3)
    const p = new Pair()
    const f = clipFile('w', 1, 5000)
    f.frames = f.frames!.map((_, i) => 2 * i + Math.floor(rnd() * 2) * 7)
    p.load(f, [1, 64, 333])
    p.expectSame()
    const t = p.table
    const codesAndFloats = t.rows * (4 * (t.featureNames.length + 1) + 1 + 2 + 2)
    expect(referenceRuns(p.frames)).toBe(t.rows)
    expect(t.loadedBytes - codesAndFloats).toBe(2 * Int32Array.BYTES_PER_ELEMENT * t.rows)
    t.trim()
    expect(t.allocatedBytes).toBe(t.loadedBytes)
  })

  test('a resampled view decodes the drawn rows, all or some, fresh each time', () => {
    const p = new Pair()
    p.load(clipFile('a', 6, 25), [10])
    const view = resampleTable(p.table, 400, 5)
    const all = view.frameIndex()
    expect(all).toHaveLength(400)
    // the draws are sorted: the frames of one clip come in non-decreasing order
    const keys = view.keyCodes()
    for (let i = 1; i < 400; i++) if (keys[i] === keys[i - 1]) expect(all[i]).toBeGreaterThanOrEqual(all[i - 1])
    expect(Array.from(view.frameIndex([399, 0, 7]))).toEqual([all[399], all[0], all[7]])
    expect(view.frameIndex()).not.toBe(all)
  })
})

describe('16-bit codes until a dictionary outgrows them', () => {
  const keyFile = (name: string, from: number, to: number): FileRows => ({
    name,
    frames: Array.from({ length: to - from }, (_, i) => i),
    sources: Array.from({ length: to - from }, (_, i) => `s${(from + i) % 150}`),
    keys: Array.from({ length: to - from }, (_, i) => `k${from + i}`),
  })

  test('65,536 keys stay 16-bit; the next one widens to 32-bit mid-file and every row reads back', () => {
    const p = new Pair()
    p.load(keyFile('a', 0, 60_000), [1 << 14])
    expect(p.table.keyCodes()).toBeInstanceOf(Uint16Array)
    p.load(keyFile('b', 60_000, 1 << 16), [4096])
    expect(p.table.keyNames).toHaveLength(1 << 16)
    expect(p.table.keyCodes()).toBeInstanceOf(Uint16Array)
    expect(p.table.loadedBytes).toBe(expectedBytes(p.table, p.frames))
    p.load(keyFile('c', 1 << 16, 70_000), [1, 2000])
    expect(p.table.keyCodes()).toBeInstanceOf(Uint32Array)
    expect(p.table.sourceCodes()).toBeInstanceOf(Uint16Array)
    p.expectSame()
    // codes past 16 bits are stored as such, not wrapped
    expect(Array.from(p.table.keyCodes()).reduce((m, c) => Math.max(m, c), 0)).toBe(69_999)
    expect(p.table.loadedBytes).toBe(expectedBytes(p.table, p.frames))
  })

  test('rolling back the file that widened narrows the codes again; reloading widens them', () => {
    const p = new Pair()
    p.load(keyFile('a', 0, 65_000), [30_000])
    p.load(keyFile('b', 65_000, 70_000), [1000], true)
    expect(p.table.keyNames).toHaveLength(65_000)
    expect(p.table.keyCodes()).toBeInstanceOf(Uint16Array)
    p.expectSame()
    expect(p.table.loadedBytes).toBe(expectedBytes(p.table, p.frames))
    p.load(keyFile('b', 65_000, 70_000), [700])
    expect(p.table.keyCodes()).toBeInstanceOf(Uint32Array)
    p.expectSame()
  })

  test('reserve counts capacity in allocatedBytes only; trim gives it back at the codes width', () => {
    const p = new Pair()
    p.table.reserve(5000)
    p.load(keyFile('a', 0, 1000), [300])
    const t = p.table
    expect(t.loadedBytes).toBe(expectedBytes(t, p.frames))
    expect(t.allocatedBytes).toBeGreaterThan(t.loadedBytes)
    t.trim()
    expect(t.allocatedBytes).toBe(t.loadedBytes)
    p.expectSame()
  })
})
