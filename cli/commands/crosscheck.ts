// `vmaf-tiny-lab crosscheck --model m.onnx`: onnxruntime-node's predictions for a model against an
// independent computation on the same rows — our float forward pass (src/model/forward.ts) of the
// model's own weights when its graph is a plain MLP, else (a dynamic-int8 model) the fp32 model
// given by --reference — with the CPU features that decide onnxruntime's integer kernels.
import { resolve } from 'node:path'
import { outputScale, runtimeAgreement } from '../../src/metrics/agreement.ts'
import { predict } from '../../src/model/forward.ts'
import { cpuFeatures } from '../../src/node/cpuFeatures.ts'
import { createNodeEvaluator } from '../../src/node/ortNode.ts'
import { extractMlp, IncompatibleModelError, NotAnMlpError, type ExtractedMlp } from '../../src/onnx/index.ts'
import type { OrtEvaluator } from '../../src/onnx/ortEvaluator.ts'
import type { CommandHelp, Flags } from '../args.ts'
import { CliUsageError } from '../args.ts'
import { loadTable } from '../data.ts'
import { readModelInput, requireColumns, type ModelInput } from '../modelInput.ts'
import { printJson, printText } from '../output.ts'
import type { Progress } from '../progress.ts'
import { DATA_SPECS, OUTPUT_SPECS } from '../settings.ts'

export const CROSSCHECK_HELP: CommandHelp = {
  name: 'crosscheck',
  summary: 'Compare onnxruntime-node\'s predictions for a model with our float forward pass (or an fp32 --reference) on the data.',
  usage: 'crosscheck --model MODEL.onnx [--reference FP32.onnx] [--data PARQUET…] [options]',
  description:
    'A plain-MLP graph is compared with our float32 forward pass of its own weights; any other graph (a dynamic-int8 model)\n' +
    'needs --reference, an fp32 model of the same features, run through our forward pass when it is a plain MLP, else through\n' +
    'onnxruntime-node. max_rel divides by the MLP\'s output scale (Σ|w·h| + |b| of its last layer, at least 1), else by max(1, |reference|).\n' +
    'cpu lists the x86 flags (avx2, avx512f, avx512_vnni, avx_vnni) that decide how onnxruntime runs integer matrix products.',
  specs: [
    { name: 'model', kind: 'value', meta: 'PATH', help: 'the .onnx file run on onnxruntime-node (its .onnx.data and sidecar .json are looked up beside it)' },
    { name: 'reference', kind: 'value', meta: 'PATH', help: 'the fp32 .onnx to compare with (required when --model is no plain MLP)' },
    ...DATA_SPECS,
    ...OUTPUT_SPECS,
  ],
  examples: [
    'npx vmaf-tiny-lab crosscheck --model out/train/mlp_small-seed0-….onnx --json',
    'npx vmaf-tiny-lab crosscheck --model ../shared/upstream-models/vmaf_tiny_v4.int8.onnx --reference ../shared/upstream-models/vmaf_tiny_v4.onnx --json',
  ],
}

/** The model's MLP, or null when its graph is something else (the reason goes to progress). */
function mlpOf(m: ModelInput, progress: Progress): ExtractedMlp | null {
  try {
    return extractMlp(m.info, m.externalData)
  } catch (e) {
    if (!(e instanceof NotAnMlpError)) throw e
    progress.line(`${m.source.name}: not a plain MLP (${e.message})`)
    return null
  }
}

interface Reference {
  pred: Float32Array
  /** per-row divisor for max_rel, when an MLP gives one */
  scale?: Float64Array
  against: { model: string; runtime: 'float forward' | 'onnxruntime-node' }
}

interface ReferenceInput {
  model: ModelInput
  /** the model's MLP when it is one (our forward pass runs it), else null */
  mlp: ExtractedMlp | null
  x: Float32Array
  rows: number
  evaluator: OrtEvaluator
}

/** The reference predictions: our float forward of an MLP, else onnxruntime-node on the model. */
async function referenceOf({ model, mlp, x, rows, evaluator }: ReferenceInput): Promise<Reference> {
  const F = model.features.length
  if (mlp)
    return { pred: predict(mlp.params, mlp.scaler, x, F), scale: outputScale(mlp, x, rows), against: { model: resolve(model.path), runtime: 'float forward' } }
  const out = await evaluator.run(model.source, x, rows, F)
  return { pred: out.pred, against: { model: resolve(model.path), runtime: 'onnxruntime-node' } }
}

/** The model compared with and its MLP (null for a graph our forward pass cannot run), refusing a reference that reads other features. */
async function comparedModel(flags: Flags, model: ModelInput, progress: Progress): Promise<{ model: ModelInput; mlp: ExtractedMlp | null }> {
  const refPath = flags.string('reference')
  if (refPath === undefined) {
    const mlp = mlpOf(model, progress)
    if (mlp) return { model, mlp }
    throw new CliUsageError(`${model.source.name} is no plain MLP our forward pass can run: give --reference FP32.onnx, an fp32 model to compare it with`)
  }
  const ref = await readModelInput(refPath, 'reference', progress)
  if (ref.features.join(',') !== model.features.join(','))
    throw new IncompatibleModelError(ref.source.name, `reads ${ref.features.join(', ')}, but ${model.source.name} reads ${model.features.join(', ')}`)
  return { model: ref, mlp: mlpOf(ref, progress) }
}

export async function crosscheckCommand(flags: Flags, progress: Progress): Promise<number> {
  const modelPath = flags.string('model')
  if (!modelPath) throw new CliUsageError('--model PATH is required')
  const model = await readModelInput(modelPath, 'model', progress)
  const compared = await comparedModel(flags, model, progress)
  const table = await loadTable(flags, progress)
  requireColumns(model, table)
  const x = table.matrix(model.features)
  const rows = table.rows
  const evaluator = await createNodeEvaluator()
  try {
    const out = await evaluator.run(model.source, x, rows, model.features.length)
    const ref = await referenceOf({ ...compared, x, rows, evaluator })
    const d = runtimeAgreement(out.pred, ref.pred, { scale: ref.scale })
    const cpu = cpuFeatures()
    const result = {
      model: resolve(modelPath),
      runtime: 'onnxruntime-node',
      ep: out.ep,
      cpu,
      against: ref.against,
      max_abs: d.maxAbs,
      max_rel: d.maxRel,
      mean_abs: d.meanAbs,
      rows,
    }
    if (flags.bool('json')) printJson(result)
    else
      printText(
        `${model.source.name} on onnxruntime-node (${out.ep} EP) vs ${ref.against.runtime} of ${ref.against.model}, ${rows.toLocaleString('en-US')} rows:\n` +
          `  max |Δ| ${d.maxAbs.toExponential(3)}, max rel ${d.maxRel.toExponential(3)}, mean |Δ| ${d.meanAbs.toExponential(3)}\n` +
          `  cpu: ${cpu.arch}${cpu.model ? ` (${cpu.model})` : ''}, ${Object.entries(cpu.flags).map(([f, v]) => `${f} ${v === null ? 'unknown' : v ? 'yes' : 'no'}`).join(', ')}`,
      )
    return 0
  } finally {
    await evaluator.dispose()
  }
}
