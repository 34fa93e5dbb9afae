// IndexedDB persistence of the model registry: every model (ONNX bytes, external data, sidecar,
// the TrainedModel it came from) and every evaluation report is written as soon as it exists,
// so a reload or a crashed tab lists them again. Without IndexedDB (some private modes) the
// registry keeps working in memory and says models will not survive a reload.
import type { TrainedModel } from '../model/trained.ts'
import type { EvalReport } from '../onnx/report.ts'
import type { Sidecar } from '../onnx/sidecar.ts'

export interface StoredModel {
  id: string
  origin: 'trained' | 'imported'
  /** shown in lists and tables */
  name: string
  /** the .onnx file name (downloads use it) */
  fileName: string
  addedAt: string
  onnx: Uint8Array
  sha256: string
  externalData: { path: string; data: Uint8Array }[]
  sidecar: Sidecar | null
  trained: TrainedModel | null
  /** notes from the import (renamed external data, sidecar sha mismatch…) */
  warnings: string[]
}

export interface StoredReport {
  /** `${modelId}|${dataKey}`: the latest report per model and data set */
  key: string
  modelId: string
  dataKey: string
  report: EvalReport
}

const DB_NAME = 'vmaf-tiny-lab'
const DB_VERSION = 1
const MODELS = 'models'
const REPORTS = 'reports'

export class StoreError extends Error {
  override name = 'StoreError'
}

let dbPromise: Promise<IDBDatabase> | null = null

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result)
    r.onerror = () => reject(new StoreError(`IndexedDB: ${r.error?.message ?? 'request failed'}`))
  })
}

function open(): Promise<IDBDatabase> {
  dbPromise ??= new Promise<IDBDatabase>((resolve, reject) => {
    if (typeof indexedDB === 'undefined') return reject(new StoreError('IndexedDB is not available in this browser'))
    const r = indexedDB.open(DB_NAME, DB_VERSION)
    r.onupgradeneeded = () => {
      const db = r.result
      if (!db.objectStoreNames.contains(MODELS)) db.createObjectStore(MODELS, { keyPath: 'id' })
      if (!db.objectStoreNames.contains(REPORTS)) db.createObjectStore(REPORTS, { keyPath: 'key' }).createIndex('modelId', 'modelId')
    }
    r.onsuccess = () => resolve(r.result)
    r.onerror = () => reject(new StoreError(`IndexedDB: ${r.error?.message ?? 'cannot open the database'}`))
    r.onblocked = () => reject(new StoreError('IndexedDB is blocked by another tab of this app'))
  })
  dbPromise.catch(() => (dbPromise = null))
  return dbPromise
}

async function tx<T>(stores: string[], mode: IDBTransactionMode, fn: (t: IDBTransaction) => Promise<T>): Promise<T> {
  const db = await open()
  const t = db.transaction(stores, mode)
  const done = new Promise<void>((resolve, reject) => {
    t.oncomplete = () => resolve()
    t.onerror = () => reject(new StoreError(`IndexedDB: ${t.error?.message ?? 'transaction failed'}`))
    t.onabort = () => reject(new StoreError(`IndexedDB: ${t.error?.message ?? 'transaction aborted (storage full?)'}`))
  })
  const out = await fn(t)
  await done
  return out
}

export function putModel(m: StoredModel): Promise<void> {
  return tx([MODELS], 'readwrite', async (t) => void (await request(t.objectStore(MODELS).put(m))))
}

export function listModels(): Promise<StoredModel[]> {
  return tx([MODELS], 'readonly', (t) => request(t.objectStore(MODELS).getAll() as IDBRequest<StoredModel[]>))
}

/** Delete a model and its reports. */
export function deleteModel(id: string): Promise<void> {
  return tx([MODELS, REPORTS], 'readwrite', async (t) => {
    await request(t.objectStore(MODELS).delete(id))
    const keys = await request(t.objectStore(REPORTS).index('modelId').getAllKeys(id))
    for (const k of keys) await request(t.objectStore(REPORTS).delete(k))
  })
}

export function putReport(r: StoredReport): Promise<void> {
  return tx([REPORTS], 'readwrite', async (t) => void (await request(t.objectStore(REPORTS).put(r))))
}

export function listReports(): Promise<StoredReport[]> {
  return tx([REPORTS], 'readonly', (t) => request(t.objectStore(REPORTS).getAll() as IDBRequest<StoredReport[]>))
}
