// `vmaf-tiny-lab train`: one split (the five --val-mode choices), one model per architecture ×
// seed, all trained in one multi-model run; each is exported to ONNX (scaler inside), evaluated
// with onnxruntime-node on the split's validation rows, and written with its sidecar and a
// metrics report (JSON + Markdown).
import { join } from 'node:path'
import { makeSplit, type SplitMode } from '../../src/data/splits.ts'
import { CANONICAL_FEATURES } from '../../src/base/features.ts'
import { makeJob, tableToTrainData } from '../../src/model/jobs.ts'
import { evalReport, fileSafe, splitRecord, timestampedId, trainedModel } from '../../src/experiment/records.ts'
import type { TrainJob } from '../../src/model/contract.ts'
import { exportOnnx, reportJson, reportMarkdown, sha256Hex, sidecar, sidecarJson, INPUT_NAME, OUTPUT_NAME } from '../../src/onnx/index.ts'
import { createNodeEvaluator } from '../../src/node/ortNode.ts'
import { describeWidths } from '../../src/model/arch.ts'
import type { CommandHelp, Flags } from '../args.ts'
import { CliUsageError } from '../args.ts'
import { loadTable } from '../data.ts'
import { openTrainer } from '../device.ts'
import { InterruptedError } from '../errors.ts'
import { contractMetrics, evaluateRows } from '../evaluate.ts'
import { metricsTable, printJson, printText, writeOut } from '../output.ts'
import type { Progress } from '../progress.ts'
import { DATA_SPECS, MODEL_SPECS, readModelSettings, readRunSettings, RUN_SPECS, VAL_MODES } from '../settings.ts'

export const TRAIN_HELP: CommandHelp = {
  name: 'train',
  summary: 'Train tiny VMAF MLPs on one train/validation split; write ONNX + sidecar JSON + metrics report (JSON, Markdown) per model.',
  usage: 'train [--netflix PARQUET…] [--konvid PARQUET…] [options]',
  description:
    'The GPU work runs in the app\'s WGSL engine in headless Chromium (one browser per run); metrics are computed with\n' +
    'onnxruntime-node on the exported ONNX, over the validation rows of the split (nflx rows per source, konvid clips pooled).\n' +
    'Several --model-arch values and --seeds N train together in one multi-model run.',
  specs: [
    ...DATA_SPECS,
    ...MODEL_SPECS,
    { name: 'val-mode', kind: 'value', meta: 'MODE', help: VAL_MODES.join(' | '), def: 'netflix-source' },
    { name: 'val-source', kind: 'value', meta: 'NAME', help: 'the held-out nflx source (netflix-source modes)', def: 'Tennis when present, else the first source alphabetically' },
    { name: 'konvid-val-fraction', kind: 'value', meta: 'F', help: 'fraction of konvid clips held out (konvid-holdout modes), whole clips, seeded', def: '0.1' },
    { name: 'seed', kind: 'value', meta: 'S', help: 'seed of the init, the shuffles and the konvid holdout (torch.manual_seed)', def: '0' },
    { name: 'seeds', kind: 'value', meta: 'N', help: 'train N models with seeds S, S+1, … S+N-1', def: '1' },
    ...RUN_SPECS,
  ],
  examples: [
    'npx vmaf-tiny-lab train --netflix public/demo/nflx_like.parquet --konvid public/demo/konvid_like --epochs 30 --out-dir out/train',
    'npx vmaf-tiny-lab train --model-arch mlp_small,mlp_medium --val-mode konvid-holdout --seeds 3 --json > train.json',
    'npx vmaf-tiny-lab train --hidden 32,16 --val-mode netflix-only --val-source NightGrain --device cpu',
  ],
}

export async function trainCommand(flags: Flags, progress: Progress, signal: AbortSignal): Promise<number> {
  // every flag is checked before anything is loaded
  const model = readModelSettings(flags, true)
  const run = readRunSettings(flags)
  const valMode = flags.choice<SplitMode>('val-mode', VAL_MODES, 'netflix-source')
  const valSource = flags.string('val-source')
  const fraction = flags.has('konvid-val-fraction') ? flags.number('konvid-val-fraction', 0.1, 0, 1) : undefined
  const seed = flags.int('seed', 0, 0, 0xffffffff)
  const nSeeds = flags.int('seeds', 1, 1, 32)
  if (valSource !== undefined && !['netflix-source', 'netflix-source-and-konvid-holdout', 'netflix-only'].includes(valMode))
    throw new CliUsageError(`--val-source applies to the netflix-source modes, not --val-mode ${valMode}`)
  if (fraction !== undefined && !['konvid-holdout', 'netflix-source-and-konvid-holdout', 'konvid-only'].includes(valMode))
    throw new CliUsageError(`--konvid-val-fraction applies to the konvid-holdout modes, not --val-mode ${valMode}`)
  const seeds = Array.from({ length: nSeeds }, (_, k) => seed + k)
  if (model.archs.length * seeds.length > 32) throw new CliUsageError(`at most 32 models per run; asked for ${model.archs.length * seeds.length}`)

  const table = await loadTable(flags, progress)
  const features = [...CANONICAL_FEATURES]
  const split = makeSplit(table, { mode: valMode, holdoutSource: valSource, konvidFraction: fraction, seed })
  const record = splitRecord(table, split)
  progress.line(`${table.rows.toLocaleString('en-US')} rows; split ${split.description}`)

  const data = tableToTrainData(table, features)
  const plan = model.archs.flatMap((arch) => seeds.map((s) => ({ arch, seed: s })))
  const jobs: TrainJob[] = plan.map(({ arch, seed: s }) =>
    makeJob({
      id: fileSafe(split.name, 'split'),
      label: `${arch.name} ${describeWidths(arch.widths)} seed ${s}`,
      widths: arch.widths,
      seed: s,
      scalerMode: model.scalerMode,
      data,
      trainRows: split.trainRows,
      valRows: split.valRows,
      epochs: model.epochs,
      batchSize: model.batchSize,
      lr: model.lr,
    }),
  )

  const opened = await openTrainer(run.device, progress)
  const evaluator = await createNodeEvaluator()
  try {
    const epochsTotal = jobs.length * model.epochs
    let epochsDone = 0
    const losses = jobs.map(() => ({ train: [] as number[], val: [] as number[] }))
    progress.line(`training ${jobs.length} model${jobs.length > 1 ? 's' : ''} on ${opened.trainer.description}`)
    const t0 = performance.now()
    const results = await opened.trainer.train(data, jobs, {
      signal,
      onEpoch: (ev) => {
        losses[ev.job].train.push(ev.trainLoss)
        losses[ev.job].val.push(ev.valLoss)
        epochsDone++
        const elapsed = performance.now() - t0
        const last = jobs.length === 1 ? `, val RMSE ${Math.sqrt(ev.valLoss).toFixed(2)}` : ''
        progress.bar(`epoch ${ev.epoch}/${model.epochs}${last}`, epochsDone, epochsTotal, (elapsed / epochsDone) * (epochsTotal - epochsDone))
      },
    })
    const wallMs = performance.now() - t0
    progress.end()
    if (signal.aborted) throw new InterruptedError('interrupted: training was cancelled, nothing was written')
    const failed = results.filter((r) => r.status !== 'done')
    for (const r of failed) progress.warn(`${r.message ?? `${r.id}: ${r.status}`}`)

    const out: { id: string; onnx: string; sidecar: string; report: string; report_md: string; arch: string; widths: number[]; seed: number; steps: number; split: string; device: string; metrics: ReturnType<typeof contractMetrics> }[] = []
    const texts: string[] = []
    for (let j = 0; j < jobs.length; j++) {
      const res = results[j]
      if (res.status !== 'done') continue
      const { arch, seed: s } = plan[j]
      const createdAt = new Date()
      const trained = trainedModel({
        id: timestampedId(arch.name, s, createdAt, jobs[j].id),
        createdAt,
        job: jobs[j],
        params: res.params,
        steps: res.steps,
        arch,
        features,
        seed: s,
        scalerMode: model.scalerMode,
        split: record,
        inputFiles: table.files,
        trainLoss: res.trainLoss.length ? res.trainLoss : losses[j].train,
        valLoss: res.valLoss.length ? res.valLoss : losses[j].val,
        device: opened.trainer.description,
        wallMs,
      })
      const onnx = exportOnnx(trained)
      const ev = await evaluateRows(evaluator, { name: `${trained.id}.onnx`, bytes: onnx }, table, features, split.valRows)
      const base = join(run.outDir, trained.id)
      const report = evalReport({
        model: { id: trained.id, name: `${trained.id}.onnx`, sha256: sha256Hex(onnx), input_name: INPUT_NAME, output_name: OUTPUT_NAME, features },
        ep: `${ev.ep} (onnxruntime-node)`,
        table,
        rows: ev.rows,
        grouping: `source (konvid clips pooled), validation rows of the split — ${split.description}`,
        inferenceMs: ev.inferenceMs,
        metrics: ev.metrics,
      })
      const paths = {
        onnx: writeOut(`${base}.onnx`, onnx),
        sidecar: writeOut(`${base}.json`, sidecarJson(sidecar(trained, onnx, ev.metrics))),
        report: writeOut(`${base}.report.json`, reportJson(report)),
        report_md: writeOut(`${base}.report.md`, reportMarkdown(report)),
      }
      out.push({
        id: trained.id,
        ...paths,
        arch: arch.name,
        widths: [...arch.widths],
        seed: s,
        steps: res.steps,
        split: split.description,
        device: opened.trainer.description,
        metrics: contractMetrics(ev.metrics),
      })
      texts.push(`${trained.id} (${arch.name} ${describeWidths(arch.widths)}, seed ${s}, ${res.steps} steps)\n  ${paths.onnx}\n  ${paths.sidecar}\n  ${paths.report_md}\n\n${metricsTable(ev.metrics)}\n`)
    }
    progress.line(`trained ${out.length} of ${jobs.length} model${jobs.length > 1 ? 's' : ''} in ${(wallMs / 1000).toFixed(1)} s on ${opened.trainer.description}` + (opened.startupMs ? ` (+${(opened.startupMs / 1000).toFixed(1)} s start-up)` : ''))
    if (run.json) printJson({ models: out })
    else printText(`Validation metrics (${split.description}):\n\n${texts.join('\n')}`)
    return failed.length ? 1 : 0
  } finally {
    await evaluator.dispose()
    await opened.close()
  }
}
