// A Trainer for Node whose GPU work runs in headless Chromium: the same WGSL engine as the app
// (src/engine's gpuTrainer), driven through the page API page (src/pageApi/cli.ts).
//
//   const t = await ChromiumTrainer.open({ onStatus: console.error })   // one browser per process
//   const results = await t.train(data, jobs, { onEpoch, signal })      // same contract as CpuTrainer
//   await t.close()
//
// Data and jobs cross as binary bodies (page.route), not as page.evaluate arguments: Playwright
// serialises typed arrays element by element (seconds for a few hundred thousand rows; transfer.ts).
// The jobs go as a JSON header plus pieces of bounded size (splitPieces), views of the arrays: a
// single body of a 10M-row table closes the page, and the pieces cost Node no copy of the data.
// The training rows are not in that payload: the page fetches them a block of rows at a time
// (<payload>/column/<c>/<first>/<count>, each a view of one column) while the engine uploads them
// to the GPU (src/pageApi/rowBlocks.ts), so the page never holds the whole table. Epoch events come back
// through page.exposeFunction as they happen. By default an event's checkpoint carries the
// weights only at the job's last epoch (what runStudy needs to evaluate a fold early) and never
// Adam's moments; each TrainResult still has the full last checkpoint. Pass
// `checkpoints: 'all'` for complete per-epoch checkpoints.
import type { Route } from '@playwright/test'
import type { Checkpoint, EpochEvent, TrainData, Trainer, TrainJob, TrainOptions, TrainResult } from '../model/contract.ts'
import type { CliTrainPayload } from '../pageApi/cli.ts'
import { checkData } from '../model/trainChecks.ts'
import { columnRows, ROWS_PART } from '../pageApi/rowBlocks.ts'
import { decodeValue, PIECE_BYTES, splitPieces, type Pieces } from '../pageApi/transfer.ts'
import { NoChromiumError, openPageApi, type PageApiSession } from './browser.ts'
import { chromiumPath, hasChromium } from './chromium.ts'
import { pageApiBuild } from './pageApiBuild.ts'

/** Chromium is there but gives no WebGPU adapter/device, or the engine cannot start on it. */
export class GpuUnavailableError extends Error {
  override name = 'GpuUnavailableError'
}

/** The page or the browser failed while training (crash, closed, an exception in the engine). */
export class ChromiumTrainerError extends Error {
  override name = 'ChromiumTrainerError'
}

export interface ChromiumTrainerOptions {
  /** progress of the start-up (build, browser, GPU), for a status line */
  onStatus?: (msg: string) => void
  /** browser console lines (debugging) */
  onConsole?: (line: string) => void
  checkpoints?: 'final' | 'all'
}

interface Lab {
  cliGpuOpen(): Promise<{ ok: true; description: string } | { ok: false; reason: string }>
  cliTrain(run: number, url: string): Promise<unknown>
  cliCancel(run: number): void
  cliGpuPeakBytes(): number
}
// (page.evaluate serialises the function: it cannot call helpers from this module)
type LabWindow = { lab: Lab }

const PAYLOAD_PATH = '/__cli/payload/'

/** One run's payload while it trains: the jobs in pieces, the data whose rows the page fetches, and what was served. */
interface RunPayload {
  pieces: Pieces
  data: TrainData
  served: { pieces: number; bytes: number; rowFetches: number; rowBytes: number }
}

/** The body for `part` of a run's payload (its header aside): a piece, or a column's rows; or why there is none. */
function payloadBody(payload: RunPayload, part: string, rest: string[]): Uint8Array | string {
  if (part !== ROWS_PART) {
    const i = Number(part)
    return i >= 0 && i < payload.pieces.header.pieces.length ? payload.pieces.piece(i) : 'no such payload piece'
  }
  const b = columnRows(payload.data, rest)
  if (typeof b !== 'string') {
    payload.served.rowFetches++
    payload.served.rowBytes += b.byteLength
  }
  return b
}

/** Playwright prefixes page errors ("page.evaluate: Error: …"): keep the engine's own words. */
function pageMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e)
  return msg
    .replace(/^page\.evaluate:\s*/, '')
    .replace(/^Error:\s*/, '')
    .split('\n')[0]
}

export class ChromiumTrainer implements Trainer {
  readonly kind = 'webgpu' as const
  private seq = 0
  private readonly payloads = new Map<number, RunPayload>()
  private readonly sinks = new Map<number, (ev: EpochEvent) => void>()
  private closed = false
  /** largest payload piece sent to the page (bytes, a multiple of 8) */
  pieceBytes = PIECE_BYTES
  /** what the last run served: the jobs' pieces and bytes, the training rows' fetches and bytes */
  lastPayload: RunPayload['served'] | null = null

  private constructor(
    private readonly session: PageApiSession,
    readonly description: string,
    private readonly checkpoints: 'final' | 'all',
    /** ms spent in open(): build check, browser + page, GPU device + pipelines */
    readonly startup: { buildMs: number; browserMs: number; gpuMs: number },
  ) {}

  static async open(opts: ChromiumTrainerOptions = {}): Promise<ChromiumTrainer> {
    const status = opts.onStatus ?? (() => {})
    // before the build (seconds): a missing browser is known at once
    if (!hasChromium()) throw new NoChromiumError(`Chromium not found at ${chromiumPath()}`)
    const t0 = performance.now()
    const outDir = await pageApiBuild(status)
    const t1 = performance.now()
    status('starting headless Chromium…')
    const session = await openPageApi({ outDir, onConsole: opts.onConsole })
    const t2 = performance.now()
    try {
      status('requesting a WebGPU device and compiling the engine…')
      const got = await session.page.evaluate(() => (window as unknown as LabWindow).lab.cliGpuOpen())
      if (!got.ok) throw new GpuUnavailableError(`headless Chromium has no usable WebGPU: ${got.reason}`)
      const trainer = new ChromiumTrainer(session, `${got.description} (headless Chromium)`, opts.checkpoints ?? 'final', {
        buildMs: t1 - t0,
        browserMs: t2 - t1,
        gpuMs: performance.now() - t2,
      })
      await trainer.wire()
      return trainer
    } catch (e) {
      await session.close().catch(() => {})
      throw e
    }
  }

  private async wire(): Promise<void> {
    const page = this.session.page
    await page.route(`**${PAYLOAD_PATH}**`, async (route: Route) => {
      // /__cli/payload/<run>/header, /__cli/payload/<run>/<piece>, /__cli/payload/<run>/column/<c>/<first>/<count>
      const [run, part, ...rest] = new URL(route.request().url()).pathname.slice(PAYLOAD_PATH.length).split('/')
      const payload = this.payloads.get(Number(run))
      if (!payload) return route.fulfill({ status: 404, body: 'no such payload' })
      if (part === 'header') return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(payload.pieces.header) })
      const b = payloadBody(payload, part, rest)
      if (typeof b === 'string') return route.fulfill({ status: 404, body: b })
      await route.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.from(b.buffer, b.byteOffset, b.byteLength) })
    })
    await page.exposeFunction('__cliEpoch', (run: number, ev: unknown) => {
      this.sinks.get(run)?.(decodeValue<EpochEvent>(ev))
    })
  }

  async train(data: TrainData, jobs: TrainJob[], opts: TrainOptions = {}): Promise<TrainResult[]> {
    if (this.closed) throw new ChromiumTrainerError('the headless Chromium trainer was closed')
    const run = ++this.seq
    checkData(data)
    const rows = { rows: data.y.length, nFeatures: data.columns.length, pieceBytes: this.pieceBytes }
    const payload: CliTrainPayload = { rows, jobs, resume: (opts.resume ?? null) as (Checkpoint | null)[] | null, checkpoints: this.checkpoints }
    const pieces = splitPieces(payload, this.pieceBytes)
    const served = { pieces: pieces.header.pieces.length, bytes: pieces.header.pieces.reduce((n, p) => n + p.bytes, 0), rowFetches: 0, rowBytes: 0 }
    this.payloads.set(run, { pieces, data, served })
    this.lastPayload = served
    if (opts.onEpoch) this.sinks.set(run, opts.onEpoch)
    const page = this.session.page
    const cancel = () => void page.evaluate((r) => (window as unknown as LabWindow).lab.cliCancel(r), run).catch(() => {})
    if (opts.signal?.aborted) cancel()
    opts.signal?.addEventListener('abort', cancel)
    try {
      const reply = await page.evaluate(([r, url]) => (window as unknown as LabWindow).lab.cliTrain(r, url), [run, `${PAYLOAD_PATH}${run}`] as const)
      return decodeValue<TrainResult[]>(reply)
    } catch (e) {
      const cause = this.session.exitCause()
      throw new ChromiumTrainerError(`training in headless Chromium failed: ${pageMessage(e)}${cause ? ` (${cause})` : ''}`)
    } finally {
      opts.signal?.removeEventListener('abort', cancel)
      this.sinks.delete(run)
      this.payloads.delete(run)
    }
  }

  /** The most bytes the engine's GPU buffers held at once in this browser so far (host memory on a software adapter). */
  async gpuPeakBytes(): Promise<number> {
    return this.session.page.evaluate(() => (window as unknown as LabWindow).lab.cliGpuPeakBytes())
  }

  /** Close the browser and the preview server. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.session.close()
  }

  dispose(): void {
    void this.close().catch(() => {})
  }
}
