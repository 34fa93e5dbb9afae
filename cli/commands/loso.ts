// `vmaf-tiny-lab loso`: a leave-one-source-out sweep over the nflx sources, or with --study the
// FoxBird study — (a) nflx only, (b) nflx + konvid, (c) (a) steps-matched to (b) — as the
// designer's foxbird preset through conductExperiment (a plain sweep: its arm a or b alone): every
// fold × arm × seed trains in one multi-model run, each fold is exported and evaluated on its
// held-out source as soon as it finishes; the study's report and JSON come from cli/losoStudy.ts.
import { join } from 'node:path'
import { CORPORA } from '../../src/data/table.ts'
import { createNodeEvaluator } from '../../src/node/ortNode.ts'
import { sidecar, sidecarJson } from '../../src/onnx/index.ts'
import { fmtCorr, fmtRmse } from '../../src/experiment/format.ts'
import { conductExperiment, type ConductedRun, type ExperimentResult } from '../../src/experiment/conduct.ts'
import { DesignError } from '../../src/experiment/design.ts'
import { LIMITS } from '../../src/experiment/limits.ts'
import { conductedReportJson, experimentReportMarkdown } from '../../src/experiment/report.ts'
import type { CommandHelp, Flags } from '../args.ts'
import { CliUsageError } from '../args.ts'
import { loadTable } from '../data.ts'
import { openTrainer } from '../device.ts'
import { CliInputError, InterruptedError } from '../errors.ts'
import { losoDesign, losoFileStem, losoRunJson, type LosoArm, type LosoRunJson } from '../losoStudy.ts'
import { printJson, printText, table as textTable, writeOut } from '../output.ts'
import type { Progress } from '../progress.ts'
import { DATA_SPECS, MODEL_SPECS, readModelSettings, readRunSettings, RUN_SPECS } from '../settings.ts'

const MAX_SEEDS = LIMITS.seedsPerExperiment
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

type Failed = { arm: string; fold: string; seed: number; status: string; message: string }
type Output = { runs: Partial<Record<LosoArm | 'loso', LosoRunJson>>; report: string; report_md: string; device: string; wall_s: number; failed: Failed[] }

export async function losoCommand(flags: Flags, progress: Progress, signal: AbortSignal): Promise<number> {
  const model = readModelSettings(flags, false)
  const run = readRunSettings(flags)
  const study = flags.bool('study')
  const seeds = flags.int('seeds', 1, 1, MAX_SEEDS)
  const firstSeed = flags.int('seed', 0, 0, LIMITS.maxSeed - MAX_SEEDS)
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
  const arms: LosoArm[] = study ? ['a', 'b', 'c'] : [withKonvid ? 'b' : 'a']
  const recipe = {
    arch: arch.name,
    hidden: arch.name === 'custom' ? arch.widths.slice(1, -1) : undefined,
    batchSize: model.batchSize,
    lr: model.lr,
    scalerMode: model.scalerMode,
  }
  const design = losoDesign({ arms, seeds, firstSeed, epochs: model.epochs, recipe }, study ? 'foxbird' : 'loso')
  const labels = Object.fromEntries(design.arms.map((a) => [a.id, a.label]))
  const opened = await openTrainer(run, progress)
  const evaluator = await createNodeEvaluator()
  try {
    let res: ExperimentResult
    try {
      res = await conductExperiment(table, design, { trainer: opened.trainer, evaluator }, {
        file: study ? 'loso --study' : 'loso',
        signal,
        onPhase: (m) => progress.line(m),
        onProgress: (p) => progress.bar('trained', p.doneSamples, p.totalSamples, p.etaMs),
        onFold: (outs, r) => {
          for (const o of outs)
            progress.line(`(${o.arm}) ${o.fold} seed ${o.seed}: PLCC ${fmtCorr(o.plcc)}  SROCC ${fmtCorr(o.srocc)}  RMSE ${fmtRmse(o.rmse)}  (${r.spec.epochs} epochs)`)
        },
      })
    } catch (e) {
      if (e instanceof DesignError) throw new CliInputError(e.message)
      throw e
    }
    progress.end()
    if (res.cancelled && res.runs.length === 0) throw new InterruptedError('interrupted before any fold model finished; nothing was written')

    // fold models: <out-dir>/<arm folder>/<id>.onnx + .json
    const paths = new Map<ConductedRun, string>()
    for (const r of res.runs) {
      const base = join(run.outDir, losoFileStem(r, labels))
      paths.set(r, writeOut(`${base}.onnx`, r.outcome.onnx))
      writeOut(`${base}.json`, sidecarJson(sidecar(r.outcome.model, r.outcome.onnx, r.outcome.metrics)))
    }
    // the experiment's report, the same one `study` writes
    const report = conductedReportJson(res, table.files)
    const stem = join(run.outDir, study ? 'foxbird-study' : 'loso')
    const reportPath = writeOut(`${stem}.report.json`, JSON.stringify(report, null, 2) + '\n')
    const mdPath = writeOut(`${stem}.report.md`, experimentReportMarkdown(report))
    // like the app, an interrupted run keeps what finished: its models and a partial report
    if (res.cancelled && res.runs.length < res.schedule.runs.length)
      throw new InterruptedError(`interrupted: wrote the ${res.runs.length} of ${res.schedule.runs.length} fold models that finished and a partial report (${mdPath})`)
    const failed: Failed[] = res.failures.map((f) => {
      const s = res.schedule.runs[f.index]
      return { arm: s.arm, fold: s.fold, seed: s.seed, status: f.status, message: f.message }
    })
    for (const f of failed) progress.warn(`(${f.arm}) ${f.fold} seed ${f.seed}: ${f.status}: ${f.message}`)

    const onnxPath = (r: ConductedRun) => paths.get(r) ?? null
    const runs: Output['runs'] = {}
    for (const a of arms) if (res.summary.arms[a]) runs[study ? a : 'loso'] = losoRunJson(res, a, onnxPath)
    progress.line(`${res.runs.length} fold models in ${(res.wallMs / 1000).toFixed(1)} s on ${res.device}` + (opened.startupMs ? ` (+${(opened.startupMs / 1000).toFixed(1)} s start-up)` : ''))
    if (run.json) printJson({ runs, report: reportPath, report_md: mdPath, device: res.device, wall_s: res.wallMs / 1000, failed } satisfies Output)
    else printText(summaryText(runs, labels, res.summary.reading, { reportPath, mdPath }))
    return failed.length ? 1 : 0
  } finally {
    await evaluator.dispose()
    await opened.close()
  }
}

function summaryText(runs: Output['runs'], labels: Record<string, string>, reading: string, files: { reportPath: string; mdPath: string }): string {
  const lines: string[] = []
  for (const [key, r] of Object.entries(runs) as [LosoArm | 'loso', LosoRunJson][]) {
    lines.push(`${key === 'loso' ? `LOSO (${labels[r.arm]})` : `(${key}) ${labels[key]}`}, ${r.steps} steps per fold`)
    const corr = (v: number | null) => (v === null ? 'n/a' : fmtCorr(v))
    const err = (v: number | null) => (v === null ? 'n/a' : fmtRmse(v))
    const rows = r.folds.map((f) => [f.source, corr(f.plcc), corr(f.srocc), err(f.rmse), String(f.n)])
    rows.push(['mean across folds', corr(r.mean.plcc), corr(r.mean.srocc), err(r.mean.rmse), ''])
    rows.push(['std across folds', corr(r.std.plcc), corr(r.std.srocc), err(r.std.rmse), ''])
    lines.push(textTable(['held-out source', 'PLCC', 'SROCC', 'RMSE', 'n'], rows), '')
  }
  if (reading) lines.push(reading, '')
  lines.push(`report: ${files.mdPath}`, `        ${files.reportPath}`)
  return lines.join('\n')
}
