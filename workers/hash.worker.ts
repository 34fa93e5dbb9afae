// Hashes a large source on its own thread while the data worker streams its rows (sha256 in JS
// runs at a few hundred MB/s; on a multi-core machine this takes it off the loading path).
import * as Comlink from 'comlink'
import { DataError } from '../src/data/errors.ts'
import { openSource } from '../src/data/sources.ts'
import type { WorkerSource } from './data.worker.ts'

const api = {
  async sha256(input: WorkerSource): Promise<string> {
    try {
      return await (await openSource(input)).sha256()
    } catch (e) {
      // comlink sends an Error as its message only: send a DataError as its JSON, rebuilt by the caller
      throw e instanceof DataError ? e.toJSON() : e
    }
  },
}

export type HashWorkerApi = typeof api

Comlink.expose(api)
