// `vmaf-tiny-lab loso`: a leave-one-source-out sweep over the nflx sources, or with --study the
// FoxBird study — (a) nflx only, (b) nflx + konvid, (c) (a) steps-matched to (b) — as the
// designer's foxbird preset through conductExperiment (a plain sweep: its arm a or b alone): every
// fold × arm × seed trains in one multi-model run, each fold is exported and evaluated on its
// held-out source as soon as it finishes; the study's report and JSON come from cli/losoStudy.ts.
import { join } from 'node:path'
import { CORPORA } from '../../src/data/table.ts'
import { createNodeEvaluator } from '../../src/node/ortNode.ts'
import { sidecarJson } from '../../src/onnx/index.ts'
import { fmtCorr, fmtRmse } from '../../src/experiment/format.ts'
import { conductExperiment, type ExperimentResult } from '../../src/experiment/conduct.ts'
import { DesignError } from '../../src/experiment/design.ts'
import { MAX_SEEDS, plannedArms, planStudy } from '../../src/study/plan.ts'
import { runJson, studyReportJson, studyReportMarkdown, type RunJson } from '../../src/study/report.ts'
import { ARM_LABELS, type Arm, type FoldRun, type StudyResult, type StudySettings } from '../../src/study/types.ts'
import type { CommandHelp, Flags } from '../args.ts'
import { CliUsageError } from '../args.ts'
import { loadTable } from '../data.ts'
import { openTrainer } from '../device.ts'
import { CliInputError, InterruptedError } from '../errors.ts'
import { asStudyResult, losoDesign } from '../losoStudy.ts'
import { printJson, printText, table as textTable, writeOut } from '../output.ts'
import type { Progress } from '../progress.ts'
import { DATA_SPECS, MODEL_SPECS, readModelSettings, readRunSettings, RUN_SPECS } from '../settings.ts'

const LOSO_MODES = ['netflix-only', 'netflix-source-and-konvid-holdout', 'netflix-source', 'konvid-holdout'] as const

export const LOSO_HELP: CommandHelp = {
  name: 'loso',
  summary: 'Leave-one-source-out over the nflx sources, or --study for the FoxBird study (a)/(b)/(c); fold models + report.',
  usage: 'loso [--netflix PARQUET…] [--konvid PARQUET…] [--study] [options]',
  description:
    'One fold per nflx source: trained on the other sources (+ every konvid row when konvid files are given), evaluated\n' +
    'with onnxruntime-node on the held-out source. --study runs (a) nflx only, (b) nflx + konvid and (c) = (a) trained for\n' +
    "as many optimizer steps as (b). Seeds are S…S+N-1 (--seed S, default 0; torch.manual_seed), like the reference PyTorch runs. Writes every fold's\n" +
    '.onnx + sidecar .json (one folder per arm) and the report (JSON + Markdown) under --out-dir.',
  specs: [
    ...DATA_SPECS,
    ...MODEL_SPECS,
    { name: 'study', kind: 'flag', help: 'run the FoxBird study: arms (a), (b) and (c); needs konvid rows' },
    { name: 'seeds', kind: 'value', meta: 'N', help: `seeds S…S+N-1 per fold (mean ± std per fold), at most ${MAX_SEEDS}`, def: '1' },
    { name: 'val-mode', kind: 'value', meta: 'MODE', help: 'netflix-only: train folds on nflx rows only (arm a); any other mode: + konvid rows when loaded', def: 'nflx + konvid when konvid rows are loaded' },
    { name: 'seed', kind: 'value', meta: 'S', help: 'the first seed (torch.manual_seed)', def: '0' },
    { name: 'val-source', kind: 'value', help: 'train only', hidden: true },
    { name: 'konvid-val-fraction', kind: 'value', help: 'train only', hidden: true },
    ...RUN_SPECS,
  ],
  examples: [
    'npx vmaf-tiny-lab loso --study --netflix public/demo/nflx_like.parquet --konvid public/demo/konvid_like --out-dir out/study',
    'npx vmaf-tiny-lab loso --netflix nflx.parquet --epochs 30 --seeds 5 --json > loso.json',
  ],
}

type Output = { runs: Partial<Record<Arm | 'loso', RunJson>>; report: string; report_md: string; device: string; wall_s: number; failed: StudyResult['failed'] }

export async function losoCommand(flags: Flags, progress: Progress, signal: AbortSignal): Promise<number> {
  const model = readModelSettings(flags, false)
  const run = readRunSettings(flags)
  const study = flags.bool('study')
  const seeds = flags.int('seeds', 1, 1, MAX_SEEDS)
  const firstSeed = flags.int('seed', 0, 0, 0xffffffff - MAX_SEEDS)
  for (const f of ['val-source', 'konvid-val-fraction'])
    if (flags.has(f)) throw new CliUsageError(`--${f} does not apply to loso: every nflx source is held out in turn`)
  const valMode = flags.has('val-mode') ? flags.choice('val-mode', LOSO_MODES, 'netflix-only') : null
  if (study && valMode) throw new CliUsageError('--study runs both nflx only and nflx + konvid: leave out --val-mode')

  const table = await loadTable(flags, progress)
  const konvidLoaded = table.corpusCodes().some((c) => CORPORA[c] === 'konvid')
  if (study && !konvidLoaded)
    throw new CliUsageError('--study needs konvid rows: (b) adds them to training and (c) matches its steps; pass --konvid files')
  const withKonvid = valMode ? valMode !== 'netflix-only' && konvidLoaded : konvidLoaded
  if (valMode && valMode !== 'netflix-only' && !konvidLoaded)
    throw new CliUsageError(`--val-mode ${valMode} adds konvid rows to every fold, but none are loaded; pass --konvid files or use netflix-only`)

  const arch = model.archs[0]
  const settings: Omit<StudySettings, 'arms'> = {
    arch: arch.name,
    hidden: arch.name === 'custom' ? arch.widths.slice(1, -1) : undefined,
    epochs: model.epochs,
    batchSize: model.batchSize,
    lr: model.lr,
    seeds,
    firstSeed,
    scalerMode: model.scalerMode,
  }

  const arms: Arm[] = study ? ['a', 'b', 'c'] : [withKonvid ? 'b' : 'a']
  const plan = planStudy(table, { ...settings, arms })
  const design = losoDesign(plan.settings, study ? 'foxbird' : 'loso')
  const opened = await openTrainer(run, progress)
  const evaluator = await createNodeEvaluator()
  try {
    const armText = plannedArms(plan).map((a) => `(${a}) ${ARM_LABELS[a]}`)
    progress.line(`${plan.runs.length} models: ${plan.folds.length} folds × ${armText.join(', ')} × ${seeds} seed${seeds > 1 ? 's' : ''}, ${model.epochs} epochs`)
    const steps = new Map(plan.runs.map((r) => [`${r.arm} ${r.fold} ${r.seed}`, r.steps]))
    let conducted: ExperimentResult
    try {
      conducted = await conductExperiment(table, design, { trainer: opened.trainer, evaluator }, {
        signal,
        onPhase: (m) => progress.line(m),
        onProgress: (p) => progress.bar('trained', p.doneSamples, p.totalSamples, p.etaMs),
        onFold: (outs) => {
          for (const o of outs)
            progress.line(`(${o.arm}) ${o.fold} seed ${o.seed}: PLCC ${fmtCorr(o.plcc)}  SROCC ${fmtCorr(o.srocc)}  RMSE ${fmtRmse(o.rmse)}  (${steps.get(`${o.arm} ${o.fold} ${o.seed}`)} steps)`)
        },
      })
    } catch (e) {
      if (e instanceof DesignError) throw new CliInputError(e.message)
      throw e
    }
    const res = asStudyResult(plan, conducted)
    progress.end()
    if (res.cancelled && res.runs.length === 0) throw new InterruptedError('interrupted before any fold model finished; nothing was written')

    // fold models: <out-dir>/<arm folder>/<id>.onnx + .json
    const paths = new Map<FoldRun, string>()
    for (const r of res.runs) {
      const base = join(run.outDir, r.fileStem)
      paths.set(r, writeOut(`${base}.onnx`, r.onnx))
      writeOut(`${base}.json`, sidecarJson(r.sidecar))
    }
    const report = studyReportJson(res)
    const stem = join(run.outDir, study ? 'foxbird-study' : 'loso')
    const reportPath = writeOut(`${stem}.report.json`, JSON.stringify(report, null, 2) + '\n')
    const markdown = studyReportMarkdown(report)
    const mdPath = writeOut(`${stem}.report.md`, markdown)
    // like the app, an interrupted run keeps what finished: its models and a partial report
    if (res.cancelled && res.runs.length < res.plan.runs.length)
      throw new InterruptedError(`interrupted: wrote the ${res.runs.length} of ${res.plan.runs.length} fold models that finished and a partial report (${mdPath})`)
    for (const f of res.failed) progress.warn(`(${f.arm}) ${f.fold} seed ${f.seed}: ${f.status}: ${f.message}`)

    const onnxPath = (r: FoldRun) => paths.get(r) ?? null
    const runs: Output['runs'] = {}
    for (const a of arms) if (res.summary.arms[a]) runs[study ? a : 'loso'] = runJson(res, a, onnxPath)
    progress.line(`${res.runs.length} fold models in ${(res.wallMs / 1000).toFixed(1)} s on ${res.device}` + (opened.startupMs ? ` (+${(opened.startupMs / 1000).toFixed(1)} s start-up)` : ''))
    if (run.json) printJson({ runs, report: reportPath, report_md: mdPath, device: res.device, wall_s: res.wallMs / 1000, failed: res.failed } satisfies Output)
    else printText(summaryText(runs, res, reportPath, mdPath))
    return res.failed.length ? 1 : 0
  } finally {
    await evaluator.dispose()
    await opened.close()
  }
}

function summaryText(runs: Output['runs'], res: StudyResult, reportPath: string, mdPath: string): string {
  const lines: string[] = []
  for (const [key, r] of Object.entries(runs) as [Arm | 'loso', RunJson][]) {
    lines.push(`${key === 'loso' ? `LOSO (${ARM_LABELS[r.arm]})` : `(${key}) ${ARM_LABELS[key]}`}, ${r.steps} steps per fold`)
    const rows = r.folds.map((f) => [f.source, fmtCorr(f.plcc), fmtCorr(f.srocc), fmtRmse(f.rmse), String(f.n)])
    rows.push(['mean across folds', fmtCorr(r.mean.plcc), fmtCorr(r.mean.srocc), fmtRmse(r.mean.rmse), ''])
    rows.push(['std across folds', fmtCorr(r.std.plcc), fmtCorr(r.std.srocc), fmtRmse(r.std.rmse), ''])
    lines.push(textTable(['held-out source', 'PLCC', 'SROCC', 'RMSE', 'n'], rows), '')
  }
  if (res.summary.reading) lines.push(res.summary.reading, '')
  lines.push(`report: ${mdPath}`, `        ${reportPath}`)
  return lines.join('\n')
}
