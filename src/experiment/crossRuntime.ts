// The cross-runtime check of a model, for every front end: the reference its runtimes are compared
// with — our float forward pass of its own weights (src/model/forward.ts) when the graph is a plain
// MLP, our QDQ forward (src/onnx/qdqForward.ts) when it is one of our int8 exports — and the
// differences of each runtime's predictions from it (src/metrics/agreement.ts). max_rel divides by
// the MLP's output scale, else by max(1, |reference|).
import { outputScale, runtimeAgreement, type Agreement } from '../metrics/agreement.ts'
import { predict } from '../model/forward.ts'
import type { OnnxInfo } from '../onnx/inspect.ts'
import { extractMlp, NotAnMlpError } from '../onnx/mlp.ts'
import { qdqPredict } from '../onnx/qdqForward.ts'

/** A runtime further than this many VMAF points from the reference on some row is named as disagreeing. */
export const DISAGREE_VMAF = 1

/** The runtimes (EP names) whose largest difference from the reference passes DISAGREE_VMAF (NaN too). */
export function disagreeing(runs: readonly { ep: string; agreement: Agreement | null }[]): string[] {
  return runs.filter((r) => r.agreement && !(r.agreement.maxAbs <= DISAGREE_VMAF)).map((r) => r.ep)
}

export interface FloatReference {
  pred: Float32Array
  /** per-row divisor for maxRel (plain MLPs) */
  scale?: Float64Array
  /** what computed it, in words */
  what: 'float forward' | 'QDQ float forward'
}

/** The reference predictions for `x` [rows, F], or why the graph has none. */
export function floatReference(o: { info: OnnxInfo; externalData?: ReadonlyMap<string, Uint8Array>; x: Float32Array; rows: number }): FloatReference | { reason: string } {
  try {
    const mlp = extractMlp(o.info, o.externalData)
    return { pred: predict(mlp.params, mlp.scaler, o.x, mlp.params.widths[0]), scale: outputScale(mlp, o.x, o.rows), what: 'float forward' }
  } catch (e) {
    if (!(e instanceof NotAnMlpError)) throw e
    const q = qdqPredict(o.info, o.x, o.rows)
    if (q) return { pred: q, what: 'QDQ float forward' }
    return { reason: `neither a plain MLP (${e.message}) nor an int8 export of this lab: no float forward to compare with` }
  }
}

/** One runtime's predictions against the reference. */
export function againstReference(pred: Float32Array, ref: FloatReference): Agreement {
  return runtimeAgreement(pred, ref.pred, { scale: ref.scale })
}
