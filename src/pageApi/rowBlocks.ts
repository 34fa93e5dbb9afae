// The CLI's training rows in the page, fetched from Node a block at a time while the GPU engine
// uploads them (GpuTrainer.trainBlocks), so the page never holds the whole table beside the GPU's
// copy. Node answers <url>/column/<c>/<first>/<count> (c: a feature's index, or nFeatures for the
// targets) with that column's bytes for those rows (src/node/chromiumTrainer.ts); a fetch asks for at
// most pieceBytes, as a payload piece does (transfer.ts says why). Each block is fetched into one
// of two sets of arrays while the engine writes the other, so the next transfer overlaps this upload;
// the fetches go one at a time.
import type { RowBlock, RowBlockSource } from '../engine/upload.ts'
import type { TrainData } from '../model/contract.ts'
import { fetchOk, fillFrom } from './transfer.ts'

/** The path part after the run's payload URL that asks for rows: <url>/column/<c>/<first>/<count>. */
export const ROWS_PART = 'column'

/** Node's answer to <url>/column/<c>/<first>/<count>: those rows of column c (c = nFeatures: the targets) as bytes, or why not. */
export function columnRows(data: TrainData, parts: readonly string[]): Uint8Array | string {
  const [c, first, count] = parts.map(Number)
  const col = c === data.columns.length ? data.y : data.columns[c]
  if (parts.length !== 3 || !col) return `no such column ${parts[0]} (the data have ${data.columns.length} features and the targets)`
  if (!(Number.isInteger(first) && Number.isInteger(count) && first >= 0 && count > 0 && first + count <= col.length))
    return `rows ${parts[1]}+${parts[2]} are outside the ${col.length} rows`
  return new Uint8Array(col.buffer, col.byteOffset + first * 4, count * 4)
}

/** Where and what to fetch (the payload header's `rows`). */
export interface RowsAt {
  /** the run's payload URL */
  url: string
  rows: number
  nFeatures: number
  /** the most bytes one fetch asks for (a multiple of 4) */
  pieceBytes: number
}

interface Fetching {
  first: number
  count: number
  arrays: Float32Array[]
  done: Promise<void>
}

async function fetchRange(url: string, into: Float32Array): Promise<void> {
  const res = await fetchOk(url, 'training rows')
  await fillFrom(res.body ?? (await res.arrayBuffer()), new Uint8Array(into.buffer, into.byteOffset, into.byteLength), `training rows ${url}`)
}

export class FetchedRowBlocks implements RowBlockSource {
  readonly rows: number
  readonly nFeatures: number
  private readonly sets: Float32Array[][] = [[], []]
  private turn = 0
  private ahead: Fetching | null = null

  constructor(private readonly at: RowsAt) {
    if (!(at.pieceBytes >= 4) || at.pieceBytes % 4) throw new RangeError(`piece size must be a positive multiple of 4, got ${at.pieceBytes}`)
    this.rows = at.rows
    this.nFeatures = at.nFeatures
  }

  async block(first: number, count: number): Promise<RowBlock> {
    let now = this.ahead
    this.ahead = null
    if (!now || now.first !== first || now.count !== count) {
      // a read-ahead of other rows must finish before its arrays are used again
      await now?.done.catch(() => {})
      now = this.fetch(first, count)
    }
    await now.done
    // the engine is done with the other set once it asks for this block: read ahead into it
    const next = first + count
    if (next < this.rows) this.ahead = this.fetch(next, Math.min(count, this.rows - next))
    return { columns: now.arrays.slice(0, this.nFeatures), y: now.arrays[this.nFeatures] }
  }

  /** Start fetching rows [first, first + count) into the next set of arrays. */
  private fetch(first: number, count: number): Fetching {
    const set = this.sets[this.turn++ % 2]
    const arrays = Array.from({ length: this.nFeatures + 1 }, (_, c) => {
      if (!(set[c]?.length >= count)) set[c] = new Float32Array(count)
      return set[c].subarray(0, count)
    })
    const perFetch = this.at.pieceBytes / 4
    const column = async (c: number) => {
      for (let r = 0; r < count; r += perFetch) {
        const n = Math.min(perFetch, count - r)
        await fetchRange(`${this.at.url}/${ROWS_PART}/${c}/${first + r}/${n}`, arrays[c].subarray(r, r + n))
      }
    }
    // one fetch at a time: each body is a DevTools message Node builds (base64) while it is in flight
    const done = arrays.reduce((prev, _, c) => prev.then(() => column(c)), Promise.resolve())
    done.catch(() => {}) // a read-ahead nobody waits for (the run stopped) must not be an unhandled rejection
    return { first, count, arrays, done }
  }
}
