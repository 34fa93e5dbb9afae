// All fold models of a study in one zip: per arm a folder with each fold's .onnx and its sidecar
// .json (named by model id, as the sidecar's `onnx` field says), plus the reports at the top.
import { strToU8, zipSync, type Zippable } from 'fflate'
import { sidecarJson } from '../onnx/index.ts'
import { studyReportJson, studyReportMarkdown } from './report.ts'
import type { StudyResult } from './types.ts'

export const ZIP_ROOT = 'foxbird-study'

export function studyZip(res: StudyResult): Uint8Array {
  const json = studyReportJson(res)
  // a fixed time stamp keeps the archive's bytes a function of its contents
  const mtime = new Date(res.startedAt)
  const files: Zippable = {
    [`${ZIP_ROOT}/report.json`]: [strToU8(JSON.stringify(json, null, 2) + '\n'), { mtime }],
    [`${ZIP_ROOT}/report.md`]: [strToU8(studyReportMarkdown(json)), { mtime }],
  }
  for (const run of res.runs) {
    // ONNX is already compact; storing it avoids deflating bytes that do not shrink
    files[`${ZIP_ROOT}/${run.fileStem}.onnx`] = [run.onnx, { level: 0, mtime }]
    files[`${ZIP_ROOT}/${run.fileStem}.json`] = [strToU8(sidecarJson(run.sidecar)), { mtime }]
  }
  return zipSync(files, { level: 6 })
}
