// A registry model's files as downloads: the .onnx (+ external data), the sidecar (ours, with the
// latest metrics, for models trained here) and the latest report as JSON or Markdown.
import { CANONICAL_FEATURES } from '../base/features.ts'
import { inspectOnnx } from '../onnx/inspect.ts'
import { reportJson, reportMarkdown, type EvalReport } from '../onnx/report.ts'
import { sidecar as makeSidecar, sidecarJson, type Sidecar } from '../onnx/sidecar.ts'
import { models } from './models.svelte.ts'

export interface SavedFile {
  name: string
  content: Uint8Array | string
  type: string
}

const stem = (name: string) => name.replace(/\.onnx$/i, '')

/** The .onnx and its external-data files. */
export function onnxFiles(id: string): SavedFile[] {
  const r = models.record(id)
  if (!r) return []
  return [
    { name: r.fileName, content: r.onnx, type: 'application/octet-stream' },
    ...r.externalData.map((d) => ({ name: d.path, content: d.data, type: 'application/octet-stream' })),
  ]
}

/** The sidecar: ours for trained models (with the latest metrics), the dropped one (or a minimal one from the graph) otherwise. */
export function sidecarOf(id: string): Sidecar | null {
  const r = models.record(id)
  if (!r) return null
  // a trained model's sidecar carries the metrics of its latest evaluation
  const rep = models.reports[id]
  if (r.trained && rep) return makeSidecar(r.trained, r.onnx, $state.snapshot(rep.report.metrics))
  if (r.sidecar) return r.sidecar
  const e = models.list.find((x) => x.id === id)!
  const info = inspectOnnx(r.onnx, r.fileName)
  const F = e.inputWidth ?? e.features?.length ?? CANONICAL_FEATURES.length
  return {
    id: r.name, kind: 'fr', onnx: r.fileName, opset: info.opset, sha256: r.sha256,
    input_name: e.inputName, input_shape: [-1, F], output_name: e.outputName, output_shape: [-1],
    features: e.features ?? [], n_params: info.parameterCount, notes: `written by vmaf-tiny-lab from the graph of ${r.fileName}`,
  }
}

export function sidecarFile(id: string): SavedFile | null {
  const s = sidecarOf(id)
  return s ? { name: `${stem(models.record(id)!.fileName)}.json`, content: sidecarJson(s), type: 'application/json' } : null
}

/** The latest report as JSON or Markdown (the same numbers). */
export function reportFile(id: string, format: 'json' | 'md'): SavedFile | null {
  const r = models.reports[id]
  if (!r) return null
  const base = `${stem(models.record(id)?.fileName ?? id)}.report`
  const report = $state.snapshot(r.report) as EvalReport
  return format === 'json'
    ? { name: `${base}.json`, content: reportJson(report), type: 'application/json' }
    : { name: `${base}.md`, content: reportMarkdown(report), type: 'text/markdown' }
}
