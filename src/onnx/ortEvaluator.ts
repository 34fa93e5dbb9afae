// The Evaluator over any onnxruntime flavour (web or node: they share onnxruntime-common's API),
// with the runtime passed in so this file stays free of platform imports. Sessions are cached per
// (model bytes, EP): creating one costs far more than running a tiny MLP.
import { checkModel, type EpChoice, type EvalOutput, type EvalRunOptions, type Evaluator, type OnnxModelSource } from './evaluator.ts'
import { IncompatibleModelError } from './errors.ts'
import { sha256Hex } from '../data/sha256.ts'

export interface OrtTensor {
  readonly data: unknown
  readonly dims: readonly number[]
  dispose?(): void
}

export interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>
  release(): Promise<void>
}

/** The slice of `import('onnxruntime-web' | 'onnxruntime-node')` used here. */
export interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSession> }
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor
}

export interface EpDecision {
  /** executionProviders passed to ORT */
  providers: string[]
  /** the name reported as `ep` */
  label: string
  reason: string
}

export interface OrtEvaluatorOptions {
  /** picks the EP for a request: what was asked for (and whether exactly), and the model */
  chooseEp(request: { requested: EpChoice; exact: boolean }, model: { params: number; ops: readonly string[] }): EpDecision
  /** sessions kept alive (least recently used go first) */
  maxSessions?: number
  /** rows per session.run call: bounds the tensors ORT allocates at once */
  chunkRows?: number
  now?: () => number
}

interface Cached {
  session: OrtSession
  inputName: string
  outputName: string
}

export class OrtEvaluator implements Evaluator {
  private sessions = new Map<string, Promise<Cached>>()
  private queue: Promise<unknown> = Promise.resolve()
  private readonly now: () => number

  constructor(
    private readonly ort: OrtModule,
    private readonly opts: OrtEvaluatorOptions,
  ) {
    this.now = opts.now ?? (() => performance.now())
  }

  /** Runs one request at a time: onnxruntime-web's single wasm instance does not take concurrent runs well. */
  run(model: OnnxModelSource, x: Float32Array, rows: number, nFeatures: number, opts: EvalRunOptions = {}): Promise<EvalOutput> {
    const next = this.queue.then(() => this.runNow(model, x, rows, nFeatures, opts))
    this.queue = next.catch(() => {})
    return next
  }

  private async runNow(model: OnnxModelSource, x: Float32Array, rows: number, nFeatures: number, opts: EvalRunOptions): Promise<EvalOutput> {
    if (x.length !== rows * nFeatures) throw new RangeError(`x has ${x.length} values, expected ${rows} × ${nFeatures}`)
    const io = checkModel(model, nFeatures)
    const decision = this.opts.chooseEp({ requested: opts.ep ?? 'auto', exact: opts.exactEp ?? false }, { params: io.info.parameterCount, ops: io.info.ops })
    const key = `${sha256Hex(model.bytes)}|${(model.externalData ?? []).map((d) => `${d.path}:${sha256Hex(d.data)}`).join(',')}|${decision.label}`
    const t0 = this.now()
    let entry = this.sessions.get(key)
    const cached = entry !== undefined
    if (!entry) {
      entry = this.create(model, decision, io.inputName, io.outputName)
      this.sessions.set(key, entry)
      entry.catch(() => this.sessions.delete(key))
    } else {
      this.sessions.delete(key) // re-insert: most recently used last
      this.sessions.set(key, entry)
    }
    const s = await entry
    const sessionMs = cached ? 0 : this.now() - t0
    await this.evict()

    const t1 = this.now()
    const pred = new Float32Array(rows)
    const chunk = this.opts.chunkRows ?? 1 << 20
    for (let r0 = 0; r0 < rows; r0 += chunk) {
      const n = Math.min(chunk, rows - r0)
      const input = new this.ort.Tensor('float32', x.subarray(r0 * nFeatures, (r0 + n) * nFeatures), [n, nFeatures])
      const out = await s.session.run({ [s.inputName]: input })
      const y = out[s.outputName]
      const data = y?.data
      if (!(data instanceof Float32Array) || data.length !== n)
        throw new IncompatibleModelError(model.name, `output "${s.outputName}" gave ${(data as ArrayLike<number>)?.length ?? 0} values for ${n} rows (shape [${y?.dims.join(', ')}])`)
      pred.set(data, r0)
      input.dispose?.()
      y.dispose?.()
    }
    return { pred, ep: decision.label, epReason: decision.reason, sessionMs, inferenceMs: this.now() - t1 }
  }

  private async create(model: OnnxModelSource, d: EpDecision, inputName: string, outputName: string): Promise<Cached> {
    const options: Record<string, unknown> = { executionProviders: d.providers, graphOptimizationLevel: 'all' }
    if (model.externalData?.length) options.externalData = model.externalData.map((e) => ({ path: e.path, data: e.data }))
    try {
      // a copy: ORT may transfer or keep the buffer, the caller keeps its bytes
      const session = await this.ort.InferenceSession.create(model.bytes.slice(), options)
      return { session, inputName, outputName }
    } catch (e) {
      throw new IncompatibleModelError(model.name, `onnxruntime (${d.label}) could not load it: ${(e as Error).message ?? e}`)
    }
  }

  private async evict() {
    const max = this.opts.maxSessions ?? 8
    while (this.sessions.size > max) {
      const [key, entry] = this.sessions.entries().next().value!
      this.sessions.delete(key)
      await entry.then((c) => c.session.release()).catch(() => {})
    }
  }

  /** Release every session (and the GPU memory they hold). */
  async dispose() {
    const all = [...this.sessions.values()]
    this.sessions.clear()
    await Promise.all(all.map((e) => e.then((c) => c.session.release()).catch(() => {})))
  }
}
