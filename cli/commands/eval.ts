// `vmaf-tiny-lab eval --model m.onnx`: any tiny VMAF model (ours or published, external
// .onnx.data beside it) on the data, with onnxruntime-node: per-source metrics table.
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { CANONICAL_FEATURES } from '../../src/base/features.ts'
import { readModelFile } from '../../src/node/ortNode.ts'
import { createNodeEvaluator } from '../../src/node/ortNode.ts'
import { IncompatibleModelError, inspectOnnx, parseSidecar, reportJson, reportMarkdown, sha256Hex, type Sidecar } from '../../src/onnx/index.ts'
import { evalReport } from '../../src/experiment/records.ts'
import { checkModel, modelFeatures } from '../../src/onnx/evaluator.ts'
import type { CommandHelp, Flags } from '../args.ts'
import { CliUsageError } from '../args.ts'
import { loadTable } from '../data.ts'
import { predictionsFormat, writePredictions } from '../predictions.ts'
import { predictionTable } from '../../src/metrics/predictions.ts'
import { CliInputError } from '../errors.ts'
import { contractMetrics, evaluateRows } from '../evaluate.ts'
import { metricsTable, printJson, printText, writeOut } from '../output.ts'
import type { Progress } from '../progress.ts'
import { DATA_SPECS } from '../settings.ts'

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
    { name: 'json', kind: 'flag', help: 'print one JSON object on stdout (progress stays on stderr)' },
    { name: 'quiet', kind: 'flag', help: 'no progress output' },
  ],
  examples: [
    'npx vmaf-tiny-lab eval --model ../shared/upstream-models/vmaf_tiny_v2.onnx',
    'npx vmaf-tiny-lab eval --model out/train/mlp_small-seed0-….onnx --data public/demo/nflx_like.parquet --json',
    'npx vmaf-tiny-lab eval --model ../shared/upstream-models/vmaf_tiny_v2.onnx --predictions out/v2.predictions.parquet',
  ],
}

/** `<dir>/<name>.json` beside `<dir>/<name>.onnx`, when it is a registry sidecar. */
export function readSidecar(modelPath: string, progress: Progress): Sidecar | null {
  const path = modelPath.replace(/\.onnx$/i, '') + '.json'
  if (path === modelPath || !existsSync(path)) return null
  const s = parseSidecar(readFileSync(path, 'utf8'), path)
  progress.line(`sidecar: ${path}`)
  return s
}

export async function evalCommand(flags: Flags, progress: Progress): Promise<number> {
  const modelPath = flags.string('model')
  if (!modelPath) throw new CliUsageError('--model PATH is required')
  const outDir = flags.string('out-dir')
  const predictionsPath = flags.string('predictions')
  if (predictionsPath !== undefined) predictionsFormat(predictionsPath)
  if (!existsSync(modelPath)) throw new CliInputError(`${modelPath}: no such file (given to --model)`)

  const source = await readModelFile(modelPath)
  for (const w of source.warnings) progress.warn(w)
  const side = readSidecar(modelPath, progress)
  const info = inspectOnnx(source.bytes, source.name)
  const features = modelFeatures(info, side)
  if (!features)
    throw new IncompatibleModelError(source.name, `the graph takes ${info.inputs[0]?.shape?.[1]} features and no sidecar says which; put its .json beside it`)
  const io = checkModel(source, features.length)
  for (const w of io.warnings) progress.warn(`${source.name} ${w}`)

  const table = await loadTable(flags, progress)
  const missing = features.filter((f) => !table.featureNames.includes(f))
  if (missing.length) throw new IncompatibleModelError(source.name, `needs column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which the data lacks`)
  if (features.length !== CANONICAL_FEATURES.length || features.some((f, i) => f !== CANONICAL_FEATURES[i]))
    progress.line(`features: ${features.join(', ')}`)

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
      printJson({ model: resolve(modelPath), ep: ev.ep, runtime: 'onnxruntime-node', rows: ev.rows, features, metrics: contractMetrics(ev.metrics), ...(written ?? {}) })
    else printText(`${report.model.id} (${source.name}) on ${ev.rows.toLocaleString('en-US')} rows, ${ev.ep} EP (onnxruntime-node):\n\n${metricsTable(ev.metrics)}`)
    return 0
  } finally {
    await evaluator.dispose()
  }
}
