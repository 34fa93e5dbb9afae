// The data worker: parquet is decoded here, never on the main thread. A thin comlink adapter over
// src/data/reader.ts: it forwards the reader's events, transferring each chunk's typed arrays, and
// hands the reader the main thread's answers (a chunk's buffers back; where the table takes the
// next rows, as views of its shared memory: src/data/placement.ts).
import * as Comlink from 'comlink'
import { chunkBuffers } from '../src/data/chunk.ts'
import { placementFromWire, type PlacementWire } from '../src/data/placement.ts'
import { readSources, type EmitReply, type IngestEvent, type ReadOptions } from '../src/data/reader.ts'
import type { SourceInput } from '../src/data/sources.ts'

/** Sources that can cross the worker boundary (a File is a Blob). */
export type WorkerSource = Extract<SourceInput, { kind: 'blob' | 'url' }>
export type WorkerReadOptions = Omit<ReadOptions, 'signal' | 'compressors'>
/** An EmitReply as it crosses from the main thread: the placement as its shared memory (or null). */
export interface WireReply {
  buffers?: ArrayBuffer[]
  placement?: PlacementWire | null
}

let controller: AbortController | null = null

/** The main thread's answer (workers/dataClient.ts), its placement as views of the shared memory here. */
function fromWire(reply: WireReply | undefined): EmitReply | undefined {
  if (!reply) return undefined
  return { buffers: reply.buffers, placement: reply.placement ? placementFromWire(reply.placement) : null }
}

const api = {
  /** Stream `sources` through `emit`; resolves once every source is loaded or has failed. */
  async load(sources: WorkerSource[], opts: WorkerReadOptions, emit: (event: IngestEvent) => WireReply | undefined | Promise<WireReply | undefined>): Promise<void> {
    controller?.abort()
    const own = (controller = new AbortController())
    // emit runs over its own proxy port, so this call's reply could overtake the events: wait
    // for the reply to the last event, which the caller sends after handling all earlier ones
    let last: unknown = undefined
    try {
      // a chunk's reply carries its buffers back for the next row group (see Emit)
      await readSources(sources, { ...opts, signal: own.signal }, (ev) => {
        const reply = emit(ev.type === 'chunk' ? Comlink.transfer(ev, chunkBuffers(ev.chunk)) : ev)
        last = reply
        return Promise.resolve(reply).then(fromWire)
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
