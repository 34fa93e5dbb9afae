// `vmaf-tiny-lab eval --model m.onnx`: any tiny VMAF model (ours or published, external
// .onnx.data beside it) on the data, with onnxruntime-node: per-source metrics table.
import { resolve } from 'node:path'
import { CANONICAL_FEATURES } from '../../src/base/features.ts'
import { createNodeEvaluator } from '../../src/node/ortNode.ts'
import { reportJson, reportMarkdown, sha256Hex } from '../../src/onnx/index.ts'
import { modelDrift } from '../../src/experiment/drift.ts'
import { evalReport } from '../../src/experiment/records.ts'
import type { CommandHelp, Flags } from '../args.ts'
import { CliUsageError } from '../args.ts'
import { loadTable } from '../data.ts'
import { predictionsFormat, writePredictions } from '../predictions.ts'
import { predictionTable } from '../../src/metrics/predictions.ts'
import { driftJson, reportDrift } from '../drift.ts'
import { contractMetrics, evaluateRows } from '../evaluate.ts'
import { readModelInput, requireColumns } from '../modelInput.ts'
import { metricsTable, printJson, printText, writeOut } from '../output.ts'
import type { Progress } from '../progress.ts'
import { DATA_SPECS, OUTPUT_SPECS } from '../settings.ts'

export const EVAL_HELP: CommandHelp = {
  name: 'eval',
  summary: 'Evaluate an ONNX model (ours or published, external .onnx.data beside it) per source with onnxruntime-node.',
  usage: 'eval --model MODEL.onnx [--data PARQUET…] [options]',
  description:
    'Feature order comes from the sidecar <model>.json beside the .onnx when there is one, else from the model\'s metadata,\n' +
    'else the canonical six. nflx rows are scored per source, konvid clips pooled; mean ± std across sources (population std).',
  specs: [
    { name: 'model', kind: 'value', meta: 'PATH', help: 'the .onnx file (its .onnx.data and sidecar .json are looked up beside it)' },
    ...DATA_SPECS,
    { name: 'out-dir', kind: 'value', meta: 'DIR', help: 'also write the metrics report (<model>.report.json + .md) there' },
    { name: 'predictions', kind: 'value', meta: 'FILE', help: 'also write one row per evaluated frame (source, key, frame_index, vmaf, predicted) to FILE.parquet or FILE.csv' },
    ...OUTPUT_SPECS,
  ],
  examples: [
    'npx vmaf-tiny-lab eval --model ../shared/upstream-models/vmaf_tiny_v2.onnx',
    'npx vmaf-tiny-lab eval --model out/train/mlp_small-seed0-….onnx --data public/demo/nflx_like.parquet --json',
    'npx vmaf-tiny-lab eval --model ../shared/upstream-models/vmaf_tiny_v2.onnx --predictions out/v2.predictions.parquet',
  ],
}

export async function evalCommand(flags: Flags, progress: Progress): Promise<number> {
  const modelPath = flags.string('model')
  if (!modelPath) throw new CliUsageError('--model PATH is required')
  const outDir = flags.string('out-dir')
  const predictionsPath = flags.string('predictions')
  if (predictionsPath !== undefined) predictionsFormat(predictionsPath)
  const model = await readModelInput(modelPath, 'model', progress)
  const { source, side, features, io } = model

  const table = await loadTable(flags, progress)
  requireColumns(model, table)
  if (features.length !== CANONICAL_FEATURES.length || features.some((f, i) => f !== CANONICAL_FEATURES[i]))
    progress.line(`features: ${features.join(', ')}`)
  const drift = modelDrift({ info: model.info, externalData: model.externalData, features, table })
  reportDrift(drift, progress)

  const evaluator = await createNodeEvaluator()
  try {
    const ev = await evaluateRows(evaluator, source, table, features, null)
    const report = evalReport({
      model: { id: side?.id ?? source.name.replace(/\.onnx$/i, ''), name: source.name, sha256: sha256Hex(source.bytes), input_name: io.inputName, output_name: io.outputName, features },
      ep: `${ev.ep} (onnxruntime-node)`,
      table,
      rows: ev.rows,
      grouping: 'source (konvid clips pooled)',
      inferenceMs: ev.inferenceMs,
      metrics: ev.metrics,
    })
    let written: { report?: string; report_md?: string; predictions?: string } | null = null
    if (outDir) {
      const base = resolve(outDir, report.model.id)
      written = { report: writeOut(`${base}.report.json`, reportJson(report)), report_md: writeOut(`${base}.report.md`, reportMarkdown(report)) }
    }
    if (predictionsPath !== undefined) {
      const path = await writePredictions(predictionsPath, predictionTable(table, [{ name: report.model.id, pred: ev.pred }]))
      written = { ...(written ?? {}), predictions: path }
      progress.line(`per-frame predictions (${ev.rows.toLocaleString('en-US')} rows): ${path}`)
    }
    progress.line(`${ev.rows.toLocaleString('en-US')} rows on ${ev.ep} (onnxruntime-node) in ${ev.inferenceMs.toFixed(1)} ms`)
    if (flags.bool('json'))
      printJson({ model: resolve(modelPath), ep: ev.ep, runtime: 'onnxruntime-node', rows: ev.rows, features, metrics: contractMetrics(ev.metrics), ...driftJson(drift), ...(written ?? {}) })
    else printText(`${report.model.id} (${source.name}) on ${ev.rows.toLocaleString('en-US')} rows, ${ev.ep} EP (onnxruntime-node):\n\n${metricsTable(ev.metrics)}`)
    return 0
  } finally {
    await evaluator.dispose()
  }
}
