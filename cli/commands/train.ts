// `vmaf-tiny-lab train`: one split (the five --val-mode choices), one model per architecture ×
// seed, through the experiment pipeline (src/experiment/run.ts): all trained in one multi-model
// run, each exported to ONNX (scaler inside) and evaluated with onnxruntime-node on the split's
// validation rows as it finishes, then written with its sidecar and a metrics report (JSON + Markdown).
import { join } from 'node:path'
import { CANONICAL_FEATURES } from '../../src/base/features.ts'
import { describeWidths } from '../../src/model/arch.ts'
import { evalReport, splitRecord, unscoredReport } from '../../src/experiment/records.ts'
import { runExperiment } from '../../src/experiment/run.ts'
import { sourceMetrics } from '../../src/experiment/sourceMetrics.ts'
import { splitUses, trainRunSpecs, trainSplit, type TrainSplitMode } from '../../src/experiment/trainRun.ts'
import { trainRunSizeProblem } from '../../src/experiment/limits.ts'
import { reportJson, reportMarkdown, sha256Hex, sidecar, sidecarJson, INPUT_NAME, OUTPUT_NAME } from '../../src/onnx/index.ts'
import { createNodeEvaluator } from '../../src/node/ortNode.ts'
import type { CommandHelp, Flags } from '../args.ts'
import { CliUsageError } from '../args.ts'
import { loadTable } from '../data.ts'
import { openTrainer } from '../device.ts'
import { InterruptedError } from '../errors.ts'
import { contractMetrics } from '../evaluate.ts'
import { writeRegistryDir } from '../registry.ts'
import { metricsTable, printJson, printText, writeOut } from '../output.ts'
import type { Progress } from '../progress.ts'
import { DATA_SPECS, MODEL_SPECS, readModelSettings, readRunSettings, REGISTRY_OUT_SPEC, RUN_SPECS, VAL_MODES } from '../settings.ts'

export const TRAIN_HELP: CommandHelp = {
  name: 'train',
  summary: 'Train tiny VMAF MLPs on one train/validation split; write ONNX + sidecar JSON + metrics report (JSON, Markdown) per model.',
  usage: 'train [--netflix PARQUET…] [--konvid PARQUET…] [options]',
  description:
    'Training runs on the engine --device auto (the default) measured faster here: the app\'s WGSL engine in headless\n' +
    'Chromium (one browser per run) or the WebAssembly SIMD trainer; --device gpu|cpu forces one. Metrics are computed with\n' +
    'onnxruntime-node on the exported ONNX, over the validation rows of the split (nflx rows per source, konvid clips pooled).\n' +
    'Several --model-arch values and --seeds N train together in one multi-model run.',
  specs: [
    ...DATA_SPECS,
    ...MODEL_SPECS,
    { name: 'val-mode', kind: 'value', meta: 'MODE', help: `${VAL_MODES.join(' | ')} (none: every row trains, no metrics)`, def: 'netflix-source' },
    { name: 'val-source', kind: 'value', meta: 'NAME', help: 'the held-out nflx source (netflix-source modes)', def: 'Tennis when present, else the first source alphabetically' },
    { name: 'konvid-val-fraction', kind: 'value', meta: 'F', help: 'fraction of konvid clips held out (konvid-holdout modes), whole clips, seeded', def: '0.1' },
    { name: 'seed', kind: 'value', meta: 'S', help: 'seed of the init, the shuffles and the konvid holdout (torch.manual_seed)', def: '0' },
    { name: 'seeds', kind: 'value', meta: 'N', help: 'train N models with seeds S, S+1, … S+N-1', def: '1' },
    REGISTRY_OUT_SPEC,
    ...RUN_SPECS,
  ],
  examples: [
    'npx vmaf-tiny-lab train --netflix public/demo/nflx_like.parquet --konvid public/demo/konvid_like --epochs 30 --out-dir out/train',
    'npx vmaf-tiny-lab train --model-arch mlp_small,mlp_medium --val-mode konvid-holdout --seeds 3 --json > train.json',
    'npx vmaf-tiny-lab train --hidden 32,16 --val-mode netflix-only --val-source NightGrain --device cpu',
  ],
}

const NO_METRICS = 'no rows were held out (--val-mode none trains on every row), so there is nothing to validate on'

export async function trainCommand(flags: Flags, progress: Progress, signal: AbortSignal): Promise<number> {
  // every flag is checked before anything is loaded
  const model = readModelSettings(flags, true)
  const run = readRunSettings(flags)
  const registryOut = flags.string('registry-out')
  const valMode = flags.choice<TrainSplitMode>('val-mode', VAL_MODES, 'netflix-source')
  const valSource = flags.string('val-source')
  const fraction = flags.has('konvid-val-fraction') ? flags.number('konvid-val-fraction', 0.1, 0, 1) : undefined
  const seed = flags.int('seed', 0, 0, 0xffffffff)
  const nSeeds = flags.int('seeds', 1, 1, 32)
  const uses = splitUses(valMode)
  if (valSource !== undefined && !uses.source) throw new CliUsageError(`--val-source applies to the netflix-source modes, not --val-mode ${valMode}`)
  if (fraction !== undefined && !uses.fraction) throw new CliUsageError(`--konvid-val-fraction applies to the konvid-holdout modes, not --val-mode ${valMode}`)
  const seeds = Array.from({ length: nSeeds }, (_, k) => seed + k)
  const tooMany = trainRunSizeProblem(model.archs.length * seeds.length)
  if (tooMany) throw new CliUsageError(tooMany)

  const table = await loadTable(flags, progress)
  const features = [...CANONICAL_FEATURES]
  const split = trainSplit({ split: valMode, holdout: valSource, konvidFraction: fraction }, table, seed)
  progress.line(`${table.rows.toLocaleString('en-US')} rows; split ${split.description}`)
  const specs = trainRunSpecs({ ...model, features, seeds, split, record: splitRecord(table, split) })

  const opened = await openTrainer(run, progress)
  const evaluator = await createNodeEvaluator()
  try {
    const epochsTotal = specs.length * model.epochs
    let epochsDone = 0
    progress.line(`training ${specs.length} model${specs.length > 1 ? 's' : ''} on ${opened.trainer.description}`)
    const t0 = performance.now()
    const res = await runExperiment(table, specs, { trainer: opened.trainer, evaluator }, {
      signal,
      warmEvaluator: false,
      onEpoch: (_, ev) => {
        epochsDone++
        const elapsed = performance.now() - t0
        const last = specs.length === 1 ? `, val RMSE ${Math.sqrt(ev.valLoss).toFixed(2)}` : ''
        progress.bar(`epoch ${ev.epoch}/${model.epochs}${last}`, epochsDone, epochsTotal, (elapsed / epochsDone) * (epochsTotal - epochsDone))
      },
    })
    progress.end()
    if (signal.aborted) throw new InterruptedError('interrupted: training was cancelled, nothing was written')
    for (const f of res.failures) progress.warn(f.message)

    const out: { id: string; onnx: string; sidecar: string; report: string; report_md: string; arch: string; widths: number[]; seed: number; steps: number; split: string; device: string; metrics: ReturnType<typeof contractMetrics> | null; metrics_reason?: string }[] = []
    const texts: string[] = []
    for (const o of res.outcomes) {
      const { model: trained, onnx, spec } = o
      // --val-mode none holds no rows out: no metrics, rather than scores on the training rows
      const metrics = split.valRows.length ? sourceMetrics(table, split.valRows, o.pred) : null
      const base = join(run.outDir, trained.id)
      const reportInput = {
        model: { id: trained.id, name: `${trained.id}.onnx`, sha256: sha256Hex(onnx), input_name: INPUT_NAME, output_name: OUTPUT_NAME, features },
        ep: `${o.ep} (onnxruntime-node)`,
        table,
        rows: split.valRows.length,
        grouping: `source (konvid clips pooled), validation rows of the split — ${split.description}`,
        inferenceMs: o.inferenceMs,
      }
      const report = metrics ? evalReport({ ...reportInput, metrics }) : unscoredReport(reportInput, NO_METRICS)
      const paths = {
        onnx: writeOut(`${base}.onnx`, onnx),
        sidecar: writeOut(`${base}.json`, sidecarJson(sidecar(trained, onnx, metrics ?? undefined))),
        report: writeOut(`${base}.report.json`, reportJson(report)),
        report_md: writeOut(`${base}.report.md`, reportMarkdown(report)),
      }
      const { arch } = spec
      out.push({
        id: trained.id,
        ...paths,
        arch: arch.name,
        widths: [...arch.widths],
        seed: spec.seed,
        steps: o.steps,
        split: split.description,
        device: opened.trainer.description,
        metrics: metrics ? contractMetrics(metrics) : null,
        ...(metrics ? {} : { metrics_reason: NO_METRICS }),
      })
      texts.push(`${trained.id} (${arch.name} ${describeWidths(arch.widths)}, seed ${spec.seed}, ${o.steps} steps)\n  ${paths.onnx}\n  ${paths.sidecar}\n  ${paths.report_md}\n\n${metrics ? metricsTable(metrics) : `No metrics: ${NO_METRICS}.`}\n`)
    }
    progress.line(`trained ${out.length} of ${specs.length} model${specs.length > 1 ? 's' : ''} in ${(res.trainMs / 1000).toFixed(1)} s on ${opened.trainer.description}` + (opened.startupMs ? ` (+${(opened.startupMs / 1000).toFixed(1)} s start-up)` : ''))
    if (registryOut && res.outcomes.length) progress.line(`registry: ${writeRegistryDir(registryOut, res.outcomes)}`)
    if (run.json) printJson({ models: out })
    else printText(`Validation metrics (${split.description}):\n\n${texts.join('\n')}`)
    return res.failures.length ? 1 : 0
  } finally {
    await evaluator.dispose()
    await opened.close()
  }
}
