// The one-line plain-language reading of a study, worded from its numbers: how much the konvid
// data lifts the mean and tightens the spread across folds, how much of that the steps-matched
// control gets from extra optimizer steps alone, and what happens to the outlier fold.
import { fmtCorr, fmtPercent, fmtRatio, fmtSigned } from '../experiment/format.ts'
import type { StudySummary } from './types.ts'

export function studyReading(s: StudySummary): string {
  const { a, b, c } = s.arms
  const hasA = !!a?.worst
  const hasB = !!b?.worst
  const hasC = !!c?.worst
  if (!hasA && !hasB) return 'No fold has finished yet.'
  if (!hasA || !hasB) {
    const arm = (hasA ? a : b)!
    return (
      `Only ${arm.arm === 'a' ? '(a) nflx only' : '(b) nflx + konvid'} has results: mean PLCC ${fmtCorr(arm.mean.plcc)} ± ` +
      `${fmtCorr(arm.std.plcc)} across ${arm.folds.filter(Boolean).length} folds; the worst fold is ${arm.worst}.`
    )
  }
  const ma = a!.mean.plcc
  const mb = b!.mean.plcc
  const gain = mb - ma
  const parts: string[] = []
  const spread = `${fmtCorr(a!.std.plcc)} → ${fmtCorr(b!.std.plcc)}`
  if (gain > 0) {
    const tighter = s.stdRatio !== null && s.stdRatio >= 1
    parts.push(
      `Adding konvid lifts mean PLCC from ${fmtCorr(ma)} to ${fmtCorr(mb)} (${fmtSigned(gain)}) and ` +
        (tighter ? `tightens the spread across folds ${fmtRatio(s.stdRatio)} (${spread})` : `does not tighten the spread across folds (${spread})`),
    )
  } else {
    parts.push(`Adding konvid does not raise mean PLCC here (${fmtCorr(ma)} → ${fmtCorr(mb)}; spread ${spread})`)
  }

  if (hasC && gain > 0) {
    const mc = c!.mean.plcc
    const share = (mc - ma) / gain
    if (share >= 1) {
      parts.push(`the steps-matched control (c) reaches ${fmtCorr(mc)}, as much as (b): the mean gain is extra optimizer steps, not data`)
    } else if (share <= 0) {
      parts.push(`the steps-matched control (c) reaches only ${fmtCorr(mc)}: extra optimizer steps alone do not help, the gain is the data`)
    } else {
      parts.push(
        `the steps-matched control (c) reaches ${fmtCorr(mc)}, so about ${fmtPercent(share)} of the mean gain is extra optimizer steps ` +
          `and ${fmtPercent(1 - share)} is the data`,
      )
    }
    const rb = s.stdRatio
    const rc = s.stdRatioSteps
    if (rb !== null && rc !== null && rb > 1) {
      if (rc < rb / 1.5) parts.push(`yet compute alone tightens the spread only ${fmtRatio(rc)} against ${fmtRatio(rb)}: the narrower spread is the data's doing`)
      else parts.push(`and compute alone tightens the spread about as much (${fmtRatio(rc)} against ${fmtRatio(rb)})`)
    }
  } else if (!hasC) {
    parts.push('run the steps-matched control (c) to see how much of this is extra compute')
  }

  const o = s.outlier
  if (o && o.afterData) {
    const steps = o.afterSteps ? `${fmtCorr(o.afterSteps.plcc)} with more steps, ` : ''
    const verdict =
      o.afterSteps && o.afterData.plcc > o.afterSteps.plcc
        ? 'konvid helps it beyond the extra compute'
        : o.afterSteps
          ? 'the extra compute does as much for it as konvid'
          : o.afterData.plcc > o.before.plcc
            ? 'konvid lifts it'
            : 'konvid does not lift it'
    parts.push(`the outlier fold ${o.fold} goes ${fmtCorr(o.before.plcc)} → ${steps}${fmtCorr(o.afterData.plcc)} with konvid (${verdict})`)
  }
  const text = parts.join('; ')
  return `${text}.`
}
