// An experiment's models as downloads: every model with its sidecar (one folder per arm) plus the
// reports in one zip, and the registry the fork's gate reads (<id>.onnx + <id>.json + registry.json,
// written by src/onnx/registry.ts) in another. Pure: bytes in, bytes out.
import { strToU8, zipSync, type Zippable } from 'fflate'
import { sidecar, sidecarJson } from '../onnx/sidecar.ts'
import { writeRegistry } from '../onnx/registry.ts'
import type { ConductedRun } from './conduct.ts'
import { experimentReportMarkdown, type ExperimentReportJson } from './report.ts'

/** `<name>/report.json`, `<name>/report.md`, `<name>/<arm>/<model id>.onnx|.json`. */
export function modelsZip(runs: readonly ConductedRun[], report: ExperimentReportJson, mtime = new Date()): Uint8Array {
  const root = report.experiment
  const files: Zippable = {
    [`${root}/report.json`]: [strToU8(JSON.stringify(report, null, 2) + '\n'), { mtime }],
    [`${root}/report.md`]: [strToU8(experimentReportMarkdown(report)), { mtime }],
  }
  for (const { scheduled, outcome } of runs) {
    const base = `${root}/${scheduled.arm}/${outcome.model.id}`
    // ONNX is already compact: stored, not deflated
    files[`${base}.onnx`] = [outcome.onnx, { level: 0, mtime }]
    files[`${base}.json`] = [strToU8(sidecarJson(sidecar(outcome.model, outcome.onnx, outcome.metrics))), { mtime }]
  }
  return zipSync(files, { level: 6 })
}

/** The registry's files (ids the fork's gate accepts) in one zip, flat. */
export function registryZip(runs: readonly ConductedRun[], mtime = new Date()): Uint8Array {
  const files = writeRegistry({ models: runs.map(({ outcome: o }) => ({ onnx: o.onnx, sidecar: sidecar(o.model, o.onnx, o.metrics) })) })
  const zipped: Zippable = {}
  for (const [name, bytes] of Object.entries(files)) zipped[name] = [bytes, { level: name.endsWith('.onnx') ? 0 : 6, mtime }]
  return zipSync(zipped)
}
