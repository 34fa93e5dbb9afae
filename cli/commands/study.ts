// `vmaf-tiny-lab study`: a designed experiment (a preset or a design.json) through the experiment
// pipeline — every arm × fold × seed trains together, fold results print as they finish — then the
// statistics (src/experiment/summary.ts): per-arm folds, pooled metrics, mean/std/CI, paired Δ with
// bootstrap CI and sign-flip p, and the computed reading. Writes fold models, the report, and with
// --registry-out a registry the fork's gate accepts.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { conductResuming, type ExperimentResult } from '../../src/experiment/conduct.ts'
import { checkDesign, DesignError, type ExperimentDesign } from '../../src/experiment/design.ts'
import { fmtCorr, fmtRmse } from '../../src/experiment/format.ts'
import { LIMITS } from '../../src/experiment/limits.ts'
import { isPreset, presetDesign, PRESETS } from '../../src/experiment/presets.ts'
import { conductedReportJson, experimentReportMarkdown, reportContract } from '../../src/experiment/report.ts'
import { createNodeEvaluator } from '../../src/node/ortNode.ts'
import type { CommandHelp, Flags } from '../args.ts'
import { CliUsageError } from '../args.ts'
import { loadTable } from '../data.ts'
import { openTrainer } from '../device.ts'
import { CliInputError, InterruptedError } from '../errors.ts'
import { printJson, printText, writeModelFiles, writeOut } from '../output.ts'
import type { Progress } from '../progress.ts'
import { writeRegistryDir } from '../registry.ts'
import { DATA_SPECS, readResumeAttempts, readRunSettings, REGISTRY_OUT_SPEC, resumeLine, RESUME_SPEC, RUN_SPECS } from '../settings.ts'
import { studyText } from '../studyOutput.ts'

export const STUDY_HELP: CommandHelp = {
  name: 'study',
  summary: 'Run a designed experiment (arms × protocol × seeds): a preset or --design design.json; statistics + reading.',
  usage: 'study (--preset NAME | --design design.json) [--netflix PARQUET…] [--konvid PARQUET…] [options]',
  description:
    'Presets: foxbird — (a) nflx only, (b) nflx + konvid, (c) (a) steps-matched to (b), LOSO; arch — linear, mlp_small,\n' +
    'mlp_medium, mlp_large on the other 8 nflx sources + all konvid rows, LOSO (rows in file order, torch.randperm epochs);\n' +
    'cross — nflx_to_konvid and konvid_to_nflx; dose — LOSO with 0, 10, 25, 50, 100 % of the konvid clips;\n' +
    'recipe — raw30_nflx, raw30_comb (no scaler, 30 epochs), std90_nflx, std90_comb (standard scaler, 90 epochs), LOSO,\n' +
    'mlp_small, nflx only or nflx + konvid (arch\'s row order; --epochs would replace both epoch counts).\n' +
    'Every run trains together; each is exported and scored with onnxruntime-node as it finishes.',
  specs: [
    ...DATA_SPECS,
    { name: 'preset', kind: 'value', meta: 'NAME', help: PRESETS.join(' | ') },
    { name: 'design', kind: 'value', meta: 'FILE', help: 'a design JSON (arms, protocol, seeds, recipe, comparisons) instead of a preset' },
    { name: 'seeds', kind: 'value', meta: 'N', help: `seeds S…S+N-1 (at most ${LIMITS.seedsPerExperiment})`, def: '1 (a design: its own)' },
    { name: 'seed', kind: 'value', meta: 'S', help: 'the first seed (torch.manual_seed)', def: '0' },
    { name: 'epochs', kind: 'value', meta: 'N', help: 'epochs of every arm that does not match another arm\'s steps', def: '30' },
    REGISTRY_OUT_SPEC,
    RESUME_SPEC,
    ...RUN_SPECS,
  ],
  examples: [
    'npx vmaf-tiny-lab study --preset foxbird --json > foxbird.json',
    'npx vmaf-tiny-lab study --preset arch --seeds 5 --out-dir out/arch',
    'npx vmaf-tiny-lab study --design my-design.json --registry-out out/registry',
  ],
}

function readDesign(flags: Flags): ExperimentDesign {
  const preset = flags.string('preset')
  const file = flags.string('design')
  if (!preset === !file) throw new CliUsageError('give --preset NAME or --design FILE (one of them)')
  const seeds = flags.has('seeds') ? flags.int('seeds', 1, 1, LIMITS.seedsPerExperiment) : undefined
  const firstSeed = flags.has('seed') ? flags.int('seed', 0, 0, LIMITS.maxSeed - LIMITS.seedsPerExperiment) : undefined
  const epochs = flags.has('epochs') ? flags.int('epochs', 30, 1, LIMITS.epochs) : undefined
  if (preset) {
    if (!isPreset(preset)) throw new CliUsageError(`--preset must be one of ${PRESETS.join(', ')}; got "${preset}"`)
    return presetDesign(preset, { seeds, firstSeed, epochs })
  }
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file!, 'utf8'))
  } catch (e) {
    throw new CliInputError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not JSON (${(e as Error).message})`}`)
  }
  const d = checkDesign(raw, file)
  const arms = epochs === undefined ? d.arms : d.arms.map((a) => ({ ...a, epochs }))
  return { ...d, arms, seeds: seeds ?? d.seeds, firstSeed: firstSeed ?? d.firstSeed }
}

function writeModels(res: ExperimentResult, outDir: string): void {
  for (const { scheduled, outcome } of res.runs) writeModelFiles(join(outDir, scheduled.arm, outcome.model.id), outcome)
}

export async function studyCommand(flags: Flags, progress: Progress, signal: AbortSignal): Promise<number> {
  const run = readRunSettings(flags)
  const registryOut = flags.string('registry-out')
  const attempts = readResumeAttempts(flags)
  let design: ExperimentDesign
  try {
    design = readDesign(flags)
  } catch (e) {
    if (e instanceof DesignError) throw new CliInputError(e.message)
    throw e
  }
  const table = await loadTable(flags, progress)
  const opened = await openTrainer(run, progress)
  const evaluator = await createNodeEvaluator()
  try {
    let res: ExperimentResult
    try {
      res = await conductResuming(table, design, { trainer: opened.trainer, evaluator }, {
        attempts,
        onResume: (lost, k) => progress.line(resumeLine(lost, k, attempts)),
        file: flags.string('design') ?? `--preset ${design.name}`,
        signal,
        onPhase: (m) => progress.line(m),
        onProgress: (p) => progress.bar('trained', p.doneSamples, p.totalSamples, p.etaMs),
        onFold: (outs) => {
          for (const o of outs) progress.line(`${o.arm} · ${o.fold} · seed ${o.seed}: PLCC ${fmtCorr(o.plcc)}  SROCC ${fmtCorr(o.srocc)}  RMSE ${fmtRmse(o.rmse)}  (n ${o.n})`)
        },
      })
    } catch (e) {
      if (e instanceof DesignError) throw new CliInputError(e.message)
      throw e
    }
    progress.end()
    if (res.cancelled && res.runs.length === 0) throw new InterruptedError('interrupted before any model finished; nothing was written')
    writeModels(res, run.outDir)
    // the app's report (src/experiment/report.ts): .json and .md; --json prints its contract fields
    const report = conductedReportJson(res, table.files)
    const reportPath = writeOut(join(run.outDir, `${design.name}.report.json`), JSON.stringify(report, null, 2) + '\n')
    writeOut(join(run.outDir, `${design.name}.report.md`), experimentReportMarkdown(report))
    if (registryOut) progress.line(`registry: ${writeRegistryDir(registryOut, res.runs.map((r) => r.outcome))}`)
    if (res.cancelled) throw new InterruptedError(`interrupted: wrote the ${res.runs.length} of ${res.schedule.runs.length} models that finished and a partial report (${reportPath})`)
    for (const f of res.failures) progress.warn(f.message)
    progress.line(`${res.runs.length} models in ${(res.wallMs / 1000).toFixed(1)} s on ${res.device}` + (opened.startupMs ? ` (+${(opened.startupMs / 1000).toFixed(1)} s start-up)` : ''))
    if (run.json) printJson(reportContract(report))
    else printText(studyText(res.summary, reportPath))
    return res.failures.length ? 1 : 0
  } finally {
    await evaluator.dispose()
    await opened.close()
  }
}
