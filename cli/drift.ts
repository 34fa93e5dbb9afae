// The drift check's part of `eval`: the warning line on stderr and the `drift` key of --json.
import { driftLine } from '../src/metrics/drift.ts'
import type { ModelDrift } from '../src/experiment/drift.ts'
import type { Progress } from './progress.ts'

/** One stderr line: the warnings naming the drifting features, or why no drift was measured. */
export function reportDrift(d: ModelDrift, progress: Progress): void {
  if (!d.drift) return progress.line(`drift: not measured: ${d.reason}`)
  const line = driftLine(d.drift)
  if (line) progress.warn(`drift: ${line}`)
}

/** `drift` (null without a scaler, then `drift_reason` says why). */
export function driftJson(d: ModelDrift) {
  return d.drift ? { drift: d.drift } : { drift: null, drift_reason: d.reason }
}
