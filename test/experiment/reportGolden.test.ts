// Golden files for every report format: one fixed run (the foxbird preset, 1 seed, 10 epochs, on
// the CPU reference trainer — plain TypeScript, the same numbers on every machine) rendered as
// the experiment report (.json and .md), the `study --json` contract and `loso --study --json`'s
// runs. The files in test/golden/ are what the formats are; a change to a format shows up as a
// diff there. Regenerate them after an intended change with
//   UPDATE_GOLDEN=1 npx vitest run test/experiment/reportGolden.test.ts
// Fields that depend on the machine or the clock (wall time, device, start time) are fixed
// before comparing, and the models are scored with our JS forward pass read back from the
// exported ONNX (not a runtime whose last bits depend on the CPU's vector units).
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { losoRunJson } from '../../cli/losoStudy.ts'
import { conductExperiment, type ExperimentResult } from '../../src/experiment/conduct.ts'
import { presetDesign } from '../../src/experiment/presets.ts'
import { conductedReportJson, experimentReportMarkdown, reportContract } from '../../src/experiment/report.ts'
import { CpuTrainer } from '../../src/model/trainCpu.ts'
import { predict } from '../../src/model/forward.ts'
import type { Evaluator } from '../../src/onnx/evaluator.ts'
import { extractMlp, inspectOnnx } from '../../src/onnx/index.ts'
import { loadDemo } from '../helpers/demoTable.ts'
import { outsideUnit, plccIntervals } from '../helpers/plccIntervals.ts'
import { REPO } from '../helpers/shared.ts'

const GOLDEN = join(REPO, 'test', 'golden')
const update = process.env.UPDATE_GOLDEN === '1'

/** The exported graph read back (weights and scaler) and run with the JS forward pass. */
const jsEvaluator: Evaluator = {
  async run(model, x, rows, nFeatures) {
    const mlp = extractMlp(inspectOnnx(model.bytes, model.name))
    const pred = predict(mlp.params, mlp.scaler, x, nFeatures)
    if (pred.length !== rows) throw new Error(`${model.name}: ${pred.length} predictions for ${rows} rows`)
    return { pred, ep: 'js', epReason: 'golden run: the JS forward pass', sessionMs: 0, inferenceMs: 0 }
  },
}

let res: ExperimentResult
beforeAll(async () => {
  const table = await loadDemo()
  const evaluator = jsEvaluator
  const design = presetDesign('foxbird', { seeds: 1, epochs: 10 })
  const conducted = await conductExperiment(table, design, { trainer: new CpuTrainer({ sliceMs: 0 }), evaluator })
  res = { ...conducted, device: 'CPU reference (golden run)', wallMs: 1000, trainMs: 1000, startedAt: '2026-01-01T00:00:00.000Z' }
}, 300_000)

/** Numbers rounded to 7 significant digits, so the last bits of a float sum do not make a diff. */
function stable(text: string): string {
  return text.replace(/-?\d+\.\d{10,}(e-?\d+)?/g, (m) => String(Number(Number(m).toPrecision(7))))
}

function checkGolden(name: string, text: string): void {
  const path = join(GOLDEN, name)
  const got = stable(text)
  if (update || !existsSync(path)) {
    if (!update) throw new Error(`${path} is missing: run with UPDATE_GOLDEN=1 to write it`)
    writeFileSync(path, got)
    return
  }
  expect(got, `${name} differs from its golden file (UPDATE_GOLDEN=1 regenerates it after an intended change)`).toBe(readFileSync(path, 'utf8'))
}

const files = [{ name: 'nflx_like.parquet', sha256: 'golden' }]
const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n'

describe('report formats (golden files)', () => {
  it('the experiment report as JSON', () => {
    checkGolden('foxbird.report.json', json(conductedReportJson(res, files)))
  })
  it('the experiment report as Markdown', () => {
    checkGolden('foxbird.report.md', experimentReportMarkdown(conductedReportJson(res, files)))
  })
  it('study --json', () => {
    checkGolden('foxbird.study.json', json(reportContract(res.summary)))
  })
  it('loso --study --json runs', () => {
    const runs = Object.fromEntries((['a', 'b', 'c'] as const).map((a) => [a, losoRunJson(res, a, (r) => `${r.scheduled.arm}/${r.outcome.model.id}.onnx`)]))
    checkGolden('foxbird.loso.json', json({ runs }))
  })
})

describe('every CI of a PLCC in every report lies inside [−1, 1]', () => {
  it('the report JSON and the study --json contract', () => {
    for (const report of [conductedReportJson(res, files), reportContract(res.summary)]) {
      // the 3 arms (a 1-seed fold has no interval)
      expect(plccIntervals(report).length).toBeGreaterThanOrEqual(3)
      expect(outsideUnit(report)).toEqual([])
    }
  })
  it('the golden files as written', () => {
    for (const name of ['foxbird.report.json', 'foxbird.study.json']) expect(outsideUnit(JSON.parse(readFileSync(join(GOLDEN, name), 'utf8')))).toEqual([])
  })
  it('the scan finds an interval above 1', () => {
    expect(outsideUnit({ arms: { a: { ci95: { plcc: [0.94, 1.0055] } } } })).toEqual(['$.arms.a.ci95.plcc = [0.94, 1.0055]'])
  })
})
