// The model card's Quantize button (main thread): static int8 of a registry model through the one
// quantiser (src/experiment/quantizeRun.ts, what `vmaf-tiny-lab quantize` runs) on the loaded rows —
// calibrated on the rows the model trained on, gated on the rows it never saw, float32 and int8 both
// on onnxruntime-web's WASM EP — then the PLCC drop and RMSE change and the verdict. A model within
// the budget is added to the registry as an int8 model with the registry's quant sidecar fields; a
// model past it is refused with the numbers.
import { webEvaluator } from '../../workers/evalClient.ts'
import type { TableView } from '../data/table.ts'
import {
  baseSidecar, DEFAULT_MAX_PLCC_DROP, gateText, quantizeAndGate, quantRows, quantSidecarFields, QuantizeRefusedError, type QuantGate,
} from '../experiment/quantizeRun.ts'
import { inspectOnnx } from '../onnx/inspect.ts'
import { extractMlp, NotAnMlpError } from '../onnx/mlp.ts'
import { models } from './models.svelte.ts'
import { notices } from './notices.svelte.ts'

export interface QuantOutcome {
  gate: QuantGate
  /** where the calibration and gate rows came from, in words */
  how: string
  /** the gate rows are rows the model's split held out */
  heldOut: boolean
  ops: string[]
  /** the int8 model's registry id (null: refused) */
  int8Id: string | null
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e))

class QuantizeStore {
  /** the largest PLCC drop (float32 − int8, gate rows) a quantised model may have */
  budget = $state(DEFAULT_MAX_PLCC_DROP)
  /** the model being quantised */
  running = $state<string | null>(null)
  /** the latest outcome per source model */
  outcomes = $state.raw<Record<string, QuantOutcome>>({})

  /** Quantise model `id` on `table` and gate it; a passing int8 model lands in the registry. */
  async quantize(table: TableView, id: string): Promise<void> {
    const e = models.list.find((m) => m.id === id)
    const r = models.record(id)
    if (!e || !r || this.running) return
    this.running = id
    const mark = notices.mark()
    try {
      const features = e.features
      if (!features) throw new Error(`${e.fileName}: no sidecar says which features the graph takes; drop its .json too`)
      const missing = features.filter((f) => !table.featureNames.includes(f))
      if (missing.length) throw new Error(`${e.fileName}: needs ${missing.join(', ')}, which the loaded data lacks`)
      const info = inspectOnnx(r.onnx, r.fileName)
      let mlp
      try {
        mlp = extractMlp(info, new Map(r.externalData.map((d) => [d.path, d.data])))
      } catch (err) {
        if (err instanceof NotAnMlpError) throw new Error(`${e.fileName}: not a tiny float MLP the quantiser handles (${err.message})`)
        throw err
      }
      const rows = quantRows(table, models.splitOf(id))
      const budget = this.budget
      const run = await quantizeAndGate({
        table, model: models.source(id), mlp, features, archName: r.sidecar?.arch ?? info.metadata['vmaf_tiny.arch'], rows,
        method: 'minmax', maxPlccDrop: budget, evaluator: webEvaluator,
      })
      const outcome: QuantOutcome = { gate: run.gate, how: rows.how, heldOut: rows.gateHeldOut, ops: run.quantized.ops, int8Id: null }
      if (!run.gate.passed) {
        this.outcomes = { ...this.outcomes, [id]: outcome }
        notices.say('models', { level: 'error', subject: e.fileName, text: `refused, int8 misses the budget: ${gateText(run.gate)}` })
        return
      }
      const base = baseSidecar({ sidecar: r.sidecar, name: r.fileName, bytes: r.onnx, features, mlp })
      const int8Name = `${r.fileName.replace(/\.onnx$/i, '')}.int8.onnx`
      const quant = quantSidecarFields({ run, rows, method: 'minmax', int8Name, files: table.files.map((f) => f.name), runtime: `onnxruntime-web ${run.ep}` })
      const added = await models.addQuantized(id, { bytes: run.quantized.bytes, sidecar: { ...base, ...quant } })
      this.outcomes = { ...this.outcomes, [id]: { ...outcome, int8Id: added?.id ?? null } }
      notices.settle('models', mark)
    } catch (err) {
      notices.say('models', { level: 'error', text: err instanceof QuantizeRefusedError ? `${e.fileName}: ${err.message}` : errorText(err) })
    } finally {
      this.running = null
    }
  }
}

export const quantization = new QuantizeStore()
