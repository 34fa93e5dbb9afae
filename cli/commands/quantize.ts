// `vmaf-tiny-lab quantize --model M.onnx`: static int8 (QDQ S8S8) of a tiny MLP, calibrated on
// the rows it trained on and gated on the rows it never saw (src/experiment/quantizeRun.ts): the
// int8 file is written only when its PLCC drop against float32 is within --max-plcc-drop.
import { basename, join, resolve } from 'node:path'
import {
  baseSidecar, gateText as gateLine, quantizeAndGate, quantRows, quantSidecarFields, DEFAULT_GATE_FRACTION, DEFAULT_MAX_PLCC_DROP, QuantizeRefusedError, type QuantizeRunResult,
} from '../../src/experiment/quantizeRun.ts'
import { CALIBRATION_METHODS, type CalibrationMethod } from '../../src/onnx/calibrate.ts'
import { extractMlp, IncompatibleModelError, NotAnMlpError, sidecarJson, sidecarSplit, writeRegistry } from '../../src/onnx/index.ts'
import { QUANT_FORMAT, QUANT_MODE } from '../../src/onnx/quantize.ts'
import { createNodeEvaluator } from '../../src/node/ortNode.ts'
import type { CommandHelp, Flags } from '../args.ts'
import { CliUsageError } from '../args.ts'
import { loadTable } from '../data.ts'
import { printJson, printText, writeOut } from '../output.ts'
import type { Progress } from '../progress.ts'
import { DATA_SPECS, OUTPUT_SPECS } from '../settings.ts'
import { readModelInput, requireColumns } from '../modelInput.ts'

export const QUANTIZE_HELP: CommandHelp = {
  name: 'quantize',
  summary: 'Static int8 (QDQ S8S8) of a tiny MLP, calibrated on its training rows, refused past a PLCC-drop budget on held-out rows.',
  usage: 'quantize --model M.onnx [--data PARQUET…] [--out M.int8.onnx] [options]',
  description:
    'Weights: int8, symmetric per output channel; activations: int8 per tensor, ranges from the rows the sidecar <model>.json\n' +
    'says the model trained on (without one: all given rows but a seeded fraction of whole clips). The gate compares int8 with\n' +
    'float32 (onnxruntime-node) on the rows it held out; past --max-plcc-drop nothing is written and the exit code is 1.',
  specs: [
    { name: 'model', kind: 'value', meta: 'PATH', help: 'the float32 .onnx (its sidecar .json is looked up beside it)' },
    ...DATA_SPECS,
    { name: 'out', kind: 'value', meta: 'PATH', help: 'the int8 model; its sidecar goes beside it as <out>.json', def: '<model>.int8.onnx' },
    { name: 'calibration', kind: 'value', meta: 'METHOD', help: CALIBRATION_METHODS.join(' | '), def: 'minmax' },
    { name: 'percentile', kind: 'value', meta: 'P', help: 'percentile of the activations for --calibration percentile', def: '99.99' },
    { name: 'max-plcc-drop', kind: 'value', meta: 'D', help: 'largest allowed PLCC drop, float32 − int8, on the gate rows', def: String(DEFAULT_MAX_PLCC_DROP) },
    { name: 'gate-fraction', kind: 'value', meta: 'F', help: 'without a split record: the fraction of whole clips held back for the gate', def: String(DEFAULT_GATE_FRACTION) },
    { name: 'seed', kind: 'value', meta: 'S', help: 'seed of that holdout', def: '0' },
    { name: 'registry-out', kind: 'value', meta: 'DIR', help: 'also write <id>.onnx + <id>.int8.onnx + <id>.json and a registry.json there' },
    ...OUTPUT_SPECS,
  ],
  examples: [
    'npx vmaf-tiny-lab quantize --model out/train/mlp_small-….onnx --netflix public/demo/nflx_like.parquet --konvid public/demo/konvid_like --json',
    'npx vmaf-tiny-lab quantize --model m.onnx --calibration percentile --max-plcc-drop 0.001 --registry-out out/registry',
  ],
}

interface QuantizeFlags {
  modelPath: string
  out: string
  method: CalibrationMethod
  percentile: number
  maxPlccDrop: number
  fraction: number
  seed: number
  registryOut?: string
}

function readQuantizeFlags(flags: Flags): QuantizeFlags {
  const modelPath = flags.string('model')
  if (!modelPath) throw new CliUsageError('--model PATH is required')
  const method = flags.choice<CalibrationMethod>('calibration', CALIBRATION_METHODS, 'minmax')
  if (flags.has('percentile') && method !== 'percentile') throw new CliUsageError('--percentile goes with --calibration percentile')
  const out = flags.string('out') ?? modelPath.replace(/\.onnx$/i, '') + '.int8.onnx'
  if (!out.endsWith('.onnx')) throw new CliUsageError(`--out ${out} must end in .onnx`)
  if (resolve(out) === resolve(modelPath)) throw new CliUsageError('--out would overwrite --model')
  return {
    modelPath, out, method,
    percentile: flags.number('percentile', 99.99, 50, 100),
    maxPlccDrop: flags.number('max-plcc-drop', DEFAULT_MAX_PLCC_DROP, 0, 1),
    fraction: flags.number('gate-fraction', DEFAULT_GATE_FRACTION, 0, 1),
    seed: flags.int('seed', 0, 0, 0xffffffff),
    registryOut: flags.string('registry-out'),
  }
}

const gateText = (r: QuantizeRunResult) => gateLine(r.gate)

export async function quantizeCommand(flags: Flags, progress: Progress): Promise<number> {
  const q = readQuantizeFlags(flags)
  const model = await readModelInput(q.modelPath, 'model', progress)
  const { source, side, info, features } = model
  let mlp
  try {
    mlp = extractMlp(info, model.externalData)
  } catch (e) {
    if (e instanceof NotAnMlpError) throw new IncompatibleModelError(source.name, `not a tiny MLP the quantizer handles (${e.message})`)
    throw e
  }
  const table = await loadTable(flags, progress)
  requireColumns(model, table)

  const split = side ? sidecarSplit(side) : null
  const rows = quantRows(table, split, { fraction: q.fraction, seed: q.seed })
  progress.line(rows.how)
  const evaluator = await createNodeEvaluator()
  let r: QuantizeRunResult
  try {
    r = await quantizeAndGate({
      table, model: source, mlp, features, archName: side?.arch ?? info.metadata['vmaf_tiny.arch'], rows,
      method: q.method, percentile: q.percentile, maxPlccDrop: q.maxPlccDrop, evaluator,
    })
  } finally {
    await evaluator.dispose()
  }
  if (!r.gate.passed) throw new QuantizeRefusedError(`${source.name}: refused, int8 misses the budget: ${gateText(r)}`)
  progress.line(gateText(r))

  const base = baseSidecar({ sidecar: side, name: source.name, bytes: source.bytes, features, mlp })
  const quant = quantSidecarFields({
    run: r, rows, method: q.method, percentile: q.percentile, int8Name: basename(q.out), files: table.files.map((f) => f.name), runtime: `onnxruntime-node ${r.ep}`,
  })
  const { int8_sha256: int8Sha, quant_calibration_set: calibrationSet } = quant
  const onnxPath = writeOut(q.out, r.quantized.bytes)
  const sidecarPath = writeOut(q.out.replace(/\.onnx$/i, '') + '.json', sidecarJson({ ...base, ...quant }))
  let registry: string | undefined
  if (q.registryOut) {
    const reg = writeRegistry({ models: [{ onnx: source.bytes, sidecar: { ...base, ...quant }, int8: { bytes: r.quantized.bytes, mode: QUANT_MODE, calibrationSet, budgetPlcc: q.maxPlccDrop } }] })
    for (const [name, bytes] of Object.entries(reg)) writeOut(join(q.registryOut, name), bytes)
    registry = resolve(q.registryOut, 'registry.json')
    progress.line(`registry: ${registry}`)
  }
  const result = {
    onnx: onnxPath, sha256: int8Sha, quant_mode: QUANT_MODE, plcc_drop: r.gate.plccDrop, rmse_delta: r.gate.rmseDelta, ops: r.quantized.ops,
    sidecar: sidecarPath, gate_rows: r.gate.rows, gate_rows_held_out: rows.gateHeldOut, calibration_rows: rows.calibration.length, rows: rows.how,
    fp32: r.gate.fp32, int8: r.gate.int8, max_plcc_drop: q.maxPlccDrop, ...(registry ? { registry } : {}),
  }
  if (flags.bool('json')) printJson(result)
  else printText(`${onnxPath}\n  sha256 ${int8Sha}\n  ${sidecarPath}\n  ${QUANT_FORMAT}\n  ops: ${r.quantized.ops.join(', ')}\n  ${gateText(r)}\n`)
  return 0
}
