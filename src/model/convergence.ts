// Did a training run converge far enough for its numbers to mean something? One rule for the
// Train panel, Evaluate and the experiment reading. It reads only the training-loss curve, so it
// means the same for any target scale (scaling the target scales every loss alike, and the rule
// compares losses only with each other):
//   - moved: the final loss is at most MOVED_RATIO × the first epoch's loss;
//   - flattened: over the last window (the last tenth of the epochs, at least two, at most all but
//     the first), the loss falls at no more than TAIL_RATE_TOLERANCE × its average rate over the
//     whole run. A straight-line decline (still far from any plateau) gives 1; a curve that has
//     levelled off gives a value near 0. A run too short to have a window before it (≤ 2 epochs)
//     gives 1, so it is never called converged.
//   - finite: every epoch's loss, and the predictions when known, are finite.
// The constants were chosen on the lab's own curves (the recipe, foxbird, arch and dose presets
// on the demo corpus): every MLP arm's tail rate sits far below the tolerance, the linear arm's
// (still falling as a straight line) far above it.

/** The final loss must be at most this fraction of the first epoch's loss. */
export const MOVED_RATIO = 0.5
/** The tail's rate of fall, as a fraction of the run's average rate, must be at most this. */
export const TAIL_RATE_TOLERANCE = 0.25
/** The window is this fraction of the epochs (rounded up), and at least MIN_WINDOW epochs. */
export const WINDOW_FRACTION = 0.1
export const MIN_WINDOW = 2

export interface ConvergenceInput {
  /** per-epoch mean training loss, first epoch first */
  trainLoss: readonly number[]
  /** whether the run's predictions were finite, when known */
  predictionsFinite?: boolean
}

export interface Convergence {
  converged: boolean
  /** why not, in words a user can act on; empty when converged */
  reason: string
  /** what to try, e.g. "train for more epochs or raise the learning rate" */
  hint: string
}

const HINT = 'train for more epochs or raise the learning rate'

/** Epochs in the tail window of a run of `epochs` epochs (never more than epochs − 1). */
export function tailWindow(epochs: number): number {
  return Math.max(1, Math.min(epochs - 1, Math.max(MIN_WINDOW, Math.ceil(WINDOW_FRACTION * epochs))))
}

/** The tail's rate of fall over the run's average rate (≥ 0 when the loss fell; null below 2 epochs or without a fall). */
export function tailRate(loss: readonly number[]): number | null {
  const E = loss.length
  if (E < 2) return null
  const first = loss[0]
  const last = loss[E - 1]
  if (!(first > last)) return null
  const w = tailWindow(E)
  return (loss[E - 1 - w] - last) / w / ((first - last) / (E - 1))
}

/** Judges one run by its loss curve (see the file header). */
export function convergenceOf(run: ConvergenceInput): Convergence {
  const loss = run.trainLoss
  const fail = (reason: string): Convergence => ({ converged: false, reason, hint: HINT })
  const bad = loss.findIndex((l) => !Number.isFinite(l))
  if (bad >= 0) return fail(`the training loss is not finite (epoch ${bad + 1})`)
  if (run.predictionsFinite === false) return fail('its predictions are not finite')
  const E = loss.length
  if (E < 2) return fail(E === 0 ? 'no epoch has finished' : 'one epoch is too few to see the loss level off')
  const first = loss[0]
  const last = loss[E - 1]
  const epochs = `over ${E} epochs`
  if (!(last <= MOVED_RATIO * first)) return fail(`the training loss barely moved (${fmtLoss(first)} → ${fmtLoss(last)} ${epochs})`)
  const rate = tailRate(loss)!
  if (rate > TAIL_RATE_TOLERANCE) {
    const w = tailWindow(E)
    return fail(
      `the training loss was still falling over its last ${w} epoch${w === 1 ? '' : 's'} at ${Math.round(rate * 100)}% of its average rate ` +
        `(${fmtLoss(loss[E - 1 - w])} → ${fmtLoss(last)}, ${E} epochs in all)`,
    )
  }
  return { converged: true, reason: '', hint: '' }
}

function fmtLoss(l: number): string {
  return Math.abs(l) >= 100 ? l.toFixed(0) : l.toPrecision(3)
}
