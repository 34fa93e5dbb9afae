// window.lab functions for the ingest benchmark (bench/ingest.ts) and tests: stream a Blob into a
// FeatureTable either in this page (the reader in-process) or through the app's data worker.
// The Blob is fetched first (ingestPrepare) so the timed part is Blob → FeatureTable only.
import { loadThroughWorker } from '../../workers/dataClient.ts'
import { FeatureTable } from '../data/featureTable.ts'
import { ingestSources } from '../data/ingest.ts'
import { blobBuffer } from '../data/sources.ts'
import { Sha256 } from '../data/sha256.ts'

let blob: Blob | null = null
let kept: FeatureTable | null = null

export interface IngestRun {
  mode: 'page' | 'worker'
  rows: number
  ms: number
  rowsPerSec: number
  /** bytes of the table's columns (features, target, codes, frame index) */
  tableBytes: number
  /** bytes of the six features (+ target) alone */
  featureBytes: number
  /** rows the data worker decoded straight into the table's shared columns (worker mode; null in the page) */
  placedRows: number | null
  /** sha256 over the feature and target columns' bytes, to compare the two modes' tables */
  columnsSha256: string
  errors: string[]
}

/** Fetch the benchmark file once and keep it as a Blob. */
export async function ingestPrepare(url: string): Promise<{ bytes: number }> {
  const res = await fetch(url)
  if (!res.ok) throw new Error(`fetch ${url}: HTTP ${res.status}`)
  blob = await res.blob()
  return { bytes: blob.size }
}

/** Blob → FeatureTable, in this page or through the data worker; the table is kept until ingestRelease. */
export async function ingestRun(mode: 'page' | 'worker'): Promise<IngestRun> {
  if (!blob) throw new Error('call ingestPrepare first')
  kept = null
  const source = { kind: 'blob' as const, name: 'bench.parquet', blob }
  const t0 = performance.now()
  let table: FeatureTable
  let errors: string[]
  let placedRows: number | null = null
  if (mode === 'page') {
    const r = await ingestSources([source])
    table = r.table
    errors = r.errors.map((e) => e.message)
  } else {
    // as the app's table: its float columns in shared memory, which the worker writes in place
    table = new FeatureTable(undefined, [], { columns: 'shared' })
    const loader = await loadThroughWorker(table, [source])
    errors = loader.errors.map((e) => e.message)
    placedRows = loader.placedRows
  }
  const ms = performance.now() - t0
  kept = table
  return {
    mode,
    rows: table.rows,
    ms,
    rowsPerSec: table.rows / (ms / 1000),
    tableBytes: table.loadedBytes,
    featureBytes: table.rows * 4 * (table.featureNames.length + 1),
    placedRows,
    columnsSha256: columnsSha256(table),
    errors,
  }
}

function columnsSha256(t: FeatureTable): string {
  const h = new Sha256()
  for (const c of [...t.featureNames.map((f) => t.feature(f)), t.target()]) h.update(new Uint8Array(c.buffer, c.byteOffset, c.byteLength))
  return h.hex()
}

/** Time the whole-file sha256 alone (part of every ingest run). */
export async function ingestHashMs(): Promise<number> {
  if (!blob) throw new Error('call ingestPrepare first')
  const file = blobBuffer(blob)
  const t0 = performance.now()
  const h = new Sha256()
  for (let o = 0; o < file.byteLength; o += 4 << 20) h.update(new Uint8Array(await file.slice(o, Math.min(o + (4 << 20), file.byteLength))))
  h.hex()
  return performance.now() - t0
}

/** Rows of the table kept from the last run (it stays referenced so its memory can be measured). */
export function ingestKeptRows(): number {
  return kept?.rows ?? 0
}

/** Drop the kept table (and optionally the Blob) so the next measurement starts clean. */
export function ingestRelease(all = false): void {
  kept = null
  if (all) blob = null
}
