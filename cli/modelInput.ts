// A model given on the command line (--model, --reference): the file with its external data, the
// sidecar <name>.json beside it, the graph, the feature order and its input/output checks. Shared
// by eval and crosscheck; `requireColumns` refuses data that lacks a feature the model reads.
import { existsSync, readFileSync } from 'node:fs'
import type { TableView } from '../src/data/table.ts'
import { readModelFile } from '../src/node/ortNode.ts'
import { checkModel, modelFeatures, type ModelIO, type OnnxModelSource } from '../src/onnx/evaluator.ts'
import { IncompatibleModelError, inspectOnnx, parseSidecar, type OnnxInfo, type Sidecar } from '../src/onnx/index.ts'
import { CliInputError } from './errors.ts'
import type { Progress } from './progress.ts'

export interface ModelInput {
  path: string
  source: OnnxModelSource
  side: Sidecar | null
  info: OnnxInfo
  features: string[]
  io: ModelIO
  /** the external-data files by the location the graph names */
  externalData: ReadonlyMap<string, Uint8Array>
}

/** `<dir>/<name>.json` beside `<dir>/<name>.onnx`, when it is a registry sidecar. */
export function readSidecar(modelPath: string, progress: Progress): Sidecar | null {
  const path = modelPath.replace(/\.onnx$/i, '') + '.json'
  if (path === modelPath || !existsSync(path)) return null
  const s = parseSidecar(readFileSync(path, 'utf8'), path)
  progress.line(`sidecar: ${path}`)
  return s
}

/** Read and check the model at `path` (given to `--flag`). */
export async function readModelInput(path: string, flag: string, progress: Progress): Promise<ModelInput> {
  if (!existsSync(path)) throw new CliInputError(`${path}: no such file (given to --${flag})`)
  const source = await readModelFile(path)
  for (const w of source.warnings) progress.warn(w)
  const side = readSidecar(path, progress)
  const info = inspectOnnx(source.bytes, source.name)
  const features = modelFeatures(info, side)
  if (!features)
    throw new IncompatibleModelError(source.name, `the graph takes ${info.inputs[0]?.shape?.[1]} features and no sidecar says which; put its .json beside it`)
  const io = checkModel(source, features.length)
  for (const w of io.warnings) progress.warn(`${source.name} ${w}`)
  const externalData = new Map((source.externalData ?? []).map((d) => [d.path, d.data]))
  return { path, source, side, info, features, io, externalData }
}

/** Refuse data without a column the model reads. */
export function requireColumns(model: ModelInput, table: TableView): void {
  const missing = model.features.filter((f) => !table.featureNames.includes(f))
  if (missing.length) throw new IncompatibleModelError(model.source.name, `needs column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which the data lacks`)
}
