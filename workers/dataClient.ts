// The main-thread handle on the data worker (workers/data.worker.ts) and the one way to stream
// sources through it into a FeatureTable. Used by the app's data store and the page API.
import * as Comlink from 'comlink'
import { lazyWorker } from './lazyWorker.ts'
import type { DataWorkerApi, WireReply, WorkerSource } from './data.worker.ts'
import { chunkBuffers } from '../src/data/chunk.ts'
import type { FeatureTable } from '../src/data/featureTable.ts'
import { TableLoader, type DataMessage } from '../src/data/loader.ts'
import { placementToWire } from '../src/data/placement.ts'
import type { EmitReply, Progress } from '../src/data/reader.ts'
import type { Corpus } from '../src/data/table.ts'

export const dataWorker = lazyWorker<DataWorkerApi>(
  () => new Worker(new URL('./data.worker.ts', import.meta.url), { type: 'module', name: 'data' }),
)

/**
 * Stream sources through the data worker into `table` (no UI state involved): the app path,
 * also used by the page API to benchmark it.
 */
export async function loadThroughWorker(
  table: FeatureTable,
  sources: WorkerSource[],
  opts: {
    corpus?: Corpus
    /** libvmaf logs: the pattern naming their sources (null: the default rule) */
    sourcePattern?: string | null
    onProgress?: (p: Progress) => void
    onMessage?: (m: DataMessage) => void
    onChange?: () => void
  } = {},
): Promise<TableLoader> {
  const loader = new TableLoader(table, opts.onMessage)
  // an exception here would only reach the worker (which ignores the replies): keep it and rethrow
  let failure: unknown = null
  const emit = (ev: Parameters<TableLoader['handle']>[0]): WireReply | undefined => {
    let reply: EmitReply | undefined
    if (!failure)
      try {
        reply = loader.handle(ev)
        if (ev.type === 'progress') opts.onProgress?.(ev.progress)
        else if (ev.type === 'chunk' || ev.type === 'file-end' || ev.type === 'file-error') opts.onChange?.()
      } catch (e) {
        failure = e
      }
    // where the next rows go, when the table's columns are shared memory the worker can write to
    const placement = reply?.placement ? placementToWire(reply.placement) : null
    if (ev.type === 'chunk') {
      // the rows are copied into the table (or dropped after a failure): hand the buffers back to the worker for reuse
      const buffers = chunkBuffers(ev.chunk)
      return Comlink.transfer({ buffers, placement }, buffers)
    }
    return reply ? { placement } : undefined
  }
  try {
    await dataWorker().load(
      sources,
      {
        target: table.targetName,
        extras: [...table.extras],
        corpus: opts.corpus,
        sourcePattern: opts.sourcePattern,
        known: table.files.map((f) => ({ sha256: f.sha256, name: f.name })),
      },
      Comlink.proxy(emit),
    )
  } finally {
    loader.finish()
  }
  if (failure) throw failure
  return loader
}
