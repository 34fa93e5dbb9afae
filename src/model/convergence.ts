// Did a training run converge far enough for its numbers to mean something? One rule for the
// Train panel, Evaluate and the experiment reading, so that none of them presents a run whose loss
// never moved (or whose predictions are still far from VMAF) as a finding.

/** Final loss at or above this fraction of the first epoch's loss counts as "barely moved". */
export const FLAT_LOSS_RATIO = 0.5
/** An RMSE above this many VMAF points means the model has not learned the scale of VMAF yet. */
export const MAX_CONVERGED_RMSE = 10

export interface ConvergenceInput {
  /** per-epoch mean training loss (MSE), first epoch first */
  trainLoss: readonly number[]
  /** RMSE on the rows the model was scored on, when known */
  rmse?: number
}

export interface Convergence {
  converged: boolean
  /** why not, in words a user can act on; empty when converged */
  reason: string
  /** what to try, e.g. "train for more epochs or raise the learning rate" */
  hint: string
}

const HINT = 'train for more epochs or raise the learning rate'

/** Judges one run: flat loss (final ≥ FLAT_LOSS_RATIO × first, judged from two epochs on) or
 *  RMSE > MAX_CONVERGED_RMSE fails. */
export function convergenceOf(run: ConvergenceInput): Convergence {
  const losses = run.trainLoss.filter((l) => Number.isFinite(l))
  const reasons: string[] = []
  if (losses.length >= 2) {
    const first = losses[0]
    const last = losses[losses.length - 1]
    if (last >= FLAT_LOSS_RATIO * first) {
      reasons.push(`the training loss barely moved (${fmtLoss(first)} → ${fmtLoss(last)} over ${losses.length} epoch${losses.length === 1 ? '' : 's'})`)
    }
  }
  if (run.rmse !== undefined && Number.isFinite(run.rmse) && run.rmse > MAX_CONVERGED_RMSE) {
    reasons.push(`RMSE ${run.rmse.toFixed(1)} is above ${MAX_CONVERGED_RMSE} VMAF points`)
  }
  if (run.rmse !== undefined && !Number.isFinite(run.rmse)) reasons.push('its predictions are not finite')
  return reasons.length === 0
    ? { converged: true, reason: '', hint: '' }
    : { converged: false, reason: reasons.join('; '), hint: HINT }
}

function fmtLoss(l: number): string {
  return l >= 100 ? l.toFixed(0) : l.toPrecision(3)
}
