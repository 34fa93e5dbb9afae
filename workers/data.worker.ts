// The data worker: parquet is decoded here, never on the main thread. A thin comlink adapter over
// src/data/reader.ts: it forwards the reader's events, transferring each chunk's typed arrays.
import * as Comlink from 'comlink'
import { chunkBuffers } from '../src/data/chunk.ts'
import { readSources, type IngestEvent, type ReadOptions } from '../src/data/reader.ts'
import type { SourceInput } from '../src/data/sources.ts'

/** Sources that can cross the worker boundary (a File is a Blob). */
export type WorkerSource = Extract<SourceInput, { kind: 'blob' | 'url' }>
export type WorkerReadOptions = Omit<ReadOptions, 'signal' | 'compressors'>

let controller: AbortController | null = null

const api = {
  /** Stream `sources` through `emit`; resolves once every source is loaded or has failed. */
  async load(sources: WorkerSource[], opts: WorkerReadOptions, emit: (event: IngestEvent) => unknown): Promise<void> {
    controller?.abort()
    const own = (controller = new AbortController())
    // emit runs over its own proxy port, so this call's reply could overtake the events: wait
    // for the reply to the last event, which the caller sends after handling all earlier ones
    let last: unknown = undefined
    try {
      // a chunk's reply carries its buffers back for the next row group (see Emit)
      await readSources(sources, { ...opts, signal: own.signal }, (ev) => {
        last = emit(ev.type === 'chunk' ? Comlink.transfer(ev, chunkBuffers(ev.chunk)) : ev)
        return last
      })
      await last
    } finally {
      if (controller === own) controller = null
      // let the caller drop its callback (and the table it fills) now, not whenever this side's GC runs
      ;(emit as unknown as Comlink.Remote<unknown>)[Comlink.releaseProxy]?.()
    }
  },
  /** Stop the running load; the file being read is reported as cancelled and nothing of it is kept. */
  cancel(): void {
    controller?.abort()
  },
}

export type DataWorkerApi = typeof api

Comlink.expose(api)
