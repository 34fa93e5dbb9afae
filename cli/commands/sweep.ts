// `vmaf-tiny-lab sweep`: a search over recipes (src/experiment/sweep.ts) with a leave-one-source-out
// objective over the nflx sources — rounds of trials (random, then TPE), each rung of a round one
// designed experiment whose trial × fold runs all train together, successive halving on epochs.
// Prints the trials, the best recipe and a parameter importance; writes the whole sweep (every
// rung's value) to <out-dir>/sweep.json, and with --final-out trains the best recipe on every row
// and writes it as <id>.onnx + sidecar.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fmtCorr, fmtRmse } from '../../src/experiment/format.ts'
import { LIMITS } from '../../src/experiment/limits.ts'
import { runExperiment, type ExperimentDeps } from '../../src/experiment/run.ts'
import { finalRunSpec, OBJECTIVES, runSweep, SWEEP_DEFAULTS, type SweepObjective, type SweepResult } from '../../src/experiment/sweep.ts'
import { archLabel, checkSpace, DEFAULT_SPACE, SpaceError, type SweepSpace } from '../../src/experiment/sweepSpace.ts'
import { createNodeEvaluator } from '../../src/node/ortNode.ts'
import type { TableView } from '../../src/data/table.ts'
import { CliUsageError, type CommandHelp, type Flags } from '../args.ts'
import { loadTable } from '../data.ts'
import { openTrainer } from '../device.ts'
import { CliInputError, InterruptedError } from '../errors.ts'
import { printJson, printText, writeModelFiles, writeOut } from '../output.ts'
import type { Progress } from '../progress.ts'
import { DATA_SPECS, readResumeAttempts, readRunSettings, resumeLine, RESUME_SPEC, RUN_SPECS } from '../settings.ts'

const MAX_TRIALS = 1000

export const SWEEP_HELP: CommandHelp = {
  name: 'sweep',
  summary: 'Search recipes (architecture, lr, batch, scaler, konvid) by leave-one-source-out over the nflx sources; successive halving on epochs.',
  usage: 'sweep --trials N [--space space.json] [--objective mean-plcc|worst-plcc|mean-rmse] [options]',
  description:
    'Rounds of trials: the first random, the later ones proposed by TPE from what was measured. Each rung of a round is one\n' +
    'designed experiment (every trial × LOSO fold trains together); a trial goes past a rung (at 1/3 and 2/3 of the epochs)\n' +
    'only in the top 1/eta of the trials measured there, else it is "pruned". A space file may set any of arch (names or\n' +
    `custom widths such as [32, 16]), lr {min, max} (log-uniform), batchSize, epochs, scaler, konvid; the default:\n` +
    `${JSON.stringify(DEFAULT_SPACE)}.`,
  specs: [
    ...DATA_SPECS,
    { name: 'trials', kind: 'value', meta: 'N', help: `trials in all (at most ${MAX_TRIALS})` },
    { name: 'space', kind: 'value', meta: 'FILE', help: 'the search space as JSON (keys left out: the default space)' },
    { name: 'objective', kind: 'value', meta: 'OBJ', help: `${OBJECTIVES.join(' | ')} over the LOSO folds`, def: 'mean-plcc' },
    { name: 'seed', kind: 'value', meta: 'S', help: 'seed of the proposals and of every model (torch.manual_seed)', def: '0' },
    { name: 'round-size', kind: 'value', meta: 'N', help: 'trials per round', def: 'ceil(trials / 4), at least 4' },
    { name: 'eta', kind: 'value', meta: 'ETA', help: 'successive halving keeps the top 1/eta at each rung', def: String(SWEEP_DEFAULTS.eta) },
    { name: 'final-out', kind: 'value', meta: 'DIR', help: 'train the best recipe on every row (none held out) and write <id>.onnx + <id>.json there' },
    RESUME_SPEC,
    ...RUN_SPECS,
  ],
  examples: [
    'npx vmaf-tiny-lab sweep --trials 48 --seed 0 --device cpu --json --final-out out/best > sweep.json',
    'npx vmaf-tiny-lab sweep --trials 12 --space space.json --objective worst-plcc --out-dir out/sweep',
  ],
}

function readSpace(file: string | undefined): SweepSpace {
  if (!file) return DEFAULT_SPACE
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    throw new CliInputError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not JSON (${(e as Error).message})`}`)
  }
  try {
    return checkSpace(raw, file)
  } catch (e) {
    if (e instanceof SpaceError) throw new CliInputError(e.message)
    throw e
  }
}

/** The --json contract: trials, best, importance. */
export function sweepContract(r: SweepResult) {
  return {
    trials: r.trials.map((t) => ({ id: t.id, params: t.params, objective: t.objective, state: t.state, epochs: t.epochs })),
    best: r.best && { id: r.best.id, params: r.best.params, objective: r.best.objective },
    importance: r.importance,
  }
}

const fmtObjective = (o: SweepObjective, v: number | null) => (v === null ? 'failed' : o === 'mean-rmse' ? fmtRmse(v) : fmtCorr(v))

function sweepText(r: SweepResult, path: string): string {
  const lines = [`${r.trials.length} trials, objective ${r.objective} (LOSO over the nflx sources), rungs at ${r.rungEpochs.join(', ')} epochs:`, '']
  for (const t of r.trials) lines.push(`  ${t.id}  ${t.state.padEnd(8)} ${String(t.epochs).padStart(4)} epochs  ${fmtObjective(r.objective, t.objective).padStart(7)}  ${archLabel(t.params)}, lr ${t.params.lr.toPrecision(3)}, batch ${t.params.batchSize}, ${t.params.scaler}, konvid ${t.params.konvid}`)
  lines.push('', r.best ? `best: ${r.best.id} (${fmtObjective(r.objective, r.best.objective)})` : 'best: none (no trial trained the full budget)')
  lines.push(`importance (η² of the first rung's objective): ${Object.entries(r.importance).map(([k, v]) => `${k} ${v === null ? '—' : v.toFixed(2)}`).join(', ')}`, `sweep: ${path}`)
  return lines.join('\n')
}

/** Train the best recipe on every row and write it under `dir`; returns its .onnx path. */
async function writeFinal(table: TableView, r: SweepResult, o: { deps: ExperimentDeps; dir: string; seed: number; signal: AbortSignal; progress: Progress }): Promise<string> {
  const best = r.best!
  const spec = finalRunSpec(table, best.params, { trial: best.id, epochs: r.space.epochs, seed: o.seed })
  o.progress.line(`final: ${best.id} on ${spec.rows.trainRows.length.toLocaleString('en-US')} rows for ${spec.epochs} epochs`)
  const res = await runExperiment(table, [spec], o.deps, { signal: o.signal, warmEvaluator: false })
  if (res.cancelled) throw new InterruptedError('interrupted while training the final model; it was not written')
  const out = res.outcomes[0]
  if (!out) throw new Error(`the final model did not train: ${res.failures.map((f) => f.message).join('; ')}`)
  return writeModelFiles(join(o.dir, out.model.id), { model: out.model, onnx: out.onnx }).onnx
}

export async function sweepCommand(flags: Flags, progress: Progress, signal: AbortSignal): Promise<number> {
  const run = readRunSettings(flags)
  if (!flags.has('trials')) throw new CliUsageError('give --trials N')
  const trials = flags.int('trials', 1, 1, MAX_TRIALS)
  const objective = flags.choice<SweepObjective>('objective', OBJECTIVES, 'mean-plcc')
  const seed = flags.int('seed', 0, 0, LIMITS.maxSeed - LIMITS.seedsPerExperiment)
  const roundSize = flags.has('round-size') ? flags.int('round-size', 4, 1, MAX_TRIALS) : undefined
  const eta = flags.number('eta', SWEEP_DEFAULTS.eta, 1, 100)
  const finalOut = flags.string('final-out')
  const space = readSpace(flags.string('space'))
  const attempts = readResumeAttempts(flags)

  const table = await loadTable(flags, progress)
  const opened = await openTrainer(run, progress)
  const evaluator = await createNodeEvaluator()
  const deps = { trainer: opened.trainer, evaluator }
  try {
    const res = await runSweep(table, deps, {
      trials,
      space,
      objective,
      seed,
      roundSize,
      eta,
      signal,
      resumeAttempts: attempts,
      onResume: (lost, k) => progress.line(resumeLine(lost, k, attempts)),
      onProgress: (p) => progress.bar('trained', p.doneSamples, p.totalSamples, p.etaMs),
      onRung: ({ round, rounds, epochs, trials: ts, continuing, result }) => {
        const done = ts.filter((t) => t.objective !== null).sort((a, b) => (objective === 'mean-rmse' ? a.objective! - b.objective! : b.objective! - a.objective!))
        const top = done[0] ? `${done[0].id} ${fmtObjective(objective, done[0].objective)}` : 'none'
        const goOn = epochs === space.epochs ? 'the full budget' : `${continuing} go on, ${ts.length - continuing} stop here`
        progress.line(`round ${round + 1}/${rounds}, ${epochs} epochs: ${ts.length} trial${ts.length === 1 ? '' : 's'} × ${result.schedule.folds.length} folds in ${(result.wallMs / 1000).toFixed(1)} s; best here ${top}; ${goOn}`)
      },
    })
    progress.end()
    if (res.cancelled) throw new InterruptedError(`interrupted after ${res.trials.length} trials; nothing was written`)
    const path = writeOut(join(run.outDir, 'sweep.json'), JSON.stringify({ ...res, device: opened.trainer.description }, null, 2) + '\n')
    progress.line(`${res.trials.length} trials in ${(res.wallMs / 1000).toFixed(1)} s on ${opened.trainer.description}` + (opened.startupMs ? ` (+${(opened.startupMs / 1000).toFixed(1)} s start-up)` : ''))
    if (finalOut && res.best) progress.line(`final model: ${await writeFinal(table, res, { deps, dir: finalOut, seed, signal, progress })}`)
    else if (finalOut) progress.warn('--final-out: no trial trained the full budget, so there is no best recipe to train')
    if (run.json) printJson(sweepContract(res))
    else printText(sweepText(res, path))
    return res.best ? 0 : 1
  } finally {
    await evaluator.dispose()
    await opened.close()
  }
}
