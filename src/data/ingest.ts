// In-process ingest: parquet sources → FeatureTable with the reader and loader the app's data
// worker uses, for Node (CLI, tests, benchmarks) and for pages that do not need a worker.
//
//   // Node: fileAccess from src/node/fileAccess.ts (or hyparquet's asyncBufferFromFile)
//   const { table, messages, errors } = await ingestSources(
//     [{ kind: 'buffer', name: 'a.parquet', file: await fileAccess('a.parquet') },
//      { kind: 'url', name: url, url }],
//     { corpus: 'nflx' })
//
// Bad files do not throw: they come back in `errors` (DataError subclasses naming the file) and
// `messages`, and the other files still load; pass `strict: true` to throw the first error instead.
import { TargetMismatchError, type DataError } from './errors.ts'
import { FeatureTable } from './featureTable.ts'
import { TableLoader, type DataMessage } from './loader.ts'
import { readSources, type Progress, type ReadOptions } from './reader.ts'
import { DEFAULT_TARGET } from './schema.ts'
import type { SourceInput } from './sources.ts'

export type { SourceInput } from './sources.ts'
export type { DataMessage } from './loader.ts'
export type { Progress, ReadOptions } from './reader.ts'

export interface IngestOptions extends Omit<ReadOptions, 'known'> {
  /** throw the first DataError (after the batch finished) instead of returning it */
  strict?: boolean
  onProgress?: (p: Progress) => void
  onMessage?: (m: DataMessage) => void
  /** where a new table keeps its float columns (FeatureTableOptions) */
  columns?: 'shared' | 'own'
}

export interface IngestResult {
  table: FeatureTable
  messages: DataMessage[]
  errors: DataError[]
}

export async function ingestSources(sources: readonly SourceInput[], opts: IngestOptions = {}): Promise<IngestResult> {
  const table = new FeatureTable(opts.target ?? DEFAULT_TARGET, opts.extras ?? [], { columns: opts.columns })
  return ingestInto(table, sources, opts)
}

/** Add sources to an existing table (same target; its extras are read too). */
export async function ingestInto(table: FeatureTable, sources: readonly SourceInput[], opts: IngestOptions = {}): Promise<IngestResult> {
  const loader = new TableLoader(table, opts.onMessage)
  if (opts.target && opts.target !== table.targetName) {
    // one target per table: refuse before reading anything
    for (const s of sources) {
      const err = new TargetMismatchError(s.name, opts.target, table.targetName)
      loader.handle({ type: 'file-error', file: 0, error: err.toJSON() })
    }
    if (opts.strict) throw loader.errors[0]
    return { table, messages: loader.messages, errors: loader.errors }
  }
  await readSources(
    sources,
    {
      ...opts,
      // in this thread: a batch is copied into the table at once, so no parts (no copies) are needed
      wholeChunks: opts.wholeChunks ?? true,
      target: table.targetName,
      extras: opts.extras ?? table.extras,
      known: table.files.map((f) => ({ sha256: f.sha256, name: f.name })),
    },
    (ev) => {
      // the loader's answer tells the reader where the table takes the next rows (placement.ts)
      const reply = loader.handle(ev)
      if (ev.type === 'progress') opts.onProgress?.(ev.progress)
      return reply
    },
  )
  loader.finish()
  if (opts.strict && loader.errors.length) throw loader.errors[0]
  return { table, messages: loader.messages, errors: loader.errors }
}
