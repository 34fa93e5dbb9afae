// The one table of limits every front end checks against (the Train panel, the Experiments tab,
// the CLI and the page API), and the messages that say which value broke which limit.
//
// Epochs: 100,000. The engine has no bound of its own; a long run on a small table is a real use
// (the CLI and the study always allowed it), and the app shows an ETA and can cancel, so the
// Train panel's old 10,000 only hid a legal setting.
// Models per training run: 32. One run's loss chart, table and downloads stay readable; the
// engine itself trains any number together (an experiment runs many more, see runsPerExperiment).
export const LIMITS = {
  epochs: 100_000,
  batchSize: 65_536,
  /** the learning rate is a number in (0, lrBelow) */
  lrBelow: 10,
  /** models of one Train-panel / `train` run (architectures × seeds) */
  modelsPerTrainRun: 32,
  /** seeds of one experiment (each arm × fold trains once per seed) */
  seedsPerExperiment: 20,
  /** models of one experiment (arms × folds × seeds) */
  runsPerExperiment: 2_000,
  /** seeds are torch.manual_seed values: 32-bit */
  maxSeed: 0xffffffff,
} as const

const whole = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi
const fmt = (n: number) => n.toLocaleString('en-US')

/** Why `epochs` is out of range, or null. */
export function epochsProblem(epochs: number): string | null {
  return whole(epochs, 1, LIMITS.epochs) ? null : `epochs must be a whole number from 1 to ${fmt(LIMITS.epochs)}, got ${epochs}`
}

export function batchSizeProblem(batchSize: number): string | null {
  return whole(batchSize, 1, LIMITS.batchSize) ? null : `batch size must be a whole number from 1 to ${fmt(LIMITS.batchSize)}, got ${batchSize}`
}

export function lrProblem(lr: number): string | null {
  return lr > 0 && lr < LIMITS.lrBelow ? null : `learning rate must be above 0 and below ${LIMITS.lrBelow}, got ${lr}`
}

export function trainRunSizeProblem(models: number): string | null {
  return models <= LIMITS.modelsPerTrainRun ? null : `at most ${LIMITS.modelsPerTrainRun} models per run; asked for ${models}`
}

/** The first problem among epochs, batch size and learning rate, or null. */
export function optimizerProblem(s: { epochs: number; batchSize: number; lr: number }): string | null {
  return epochsProblem(s.epochs) ?? batchSizeProblem(s.batchSize) ?? lrProblem(s.lr)
}
