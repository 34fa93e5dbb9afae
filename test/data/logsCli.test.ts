// The command line on libvmaf log folders: the published vmaf_tiny_v2 evaluated on json/, xml/ and
// csv/ gives the same metrics as on the folder's parquet; --source-pattern renames the sources and
// a pattern without a `source` group is refused as a usage error before anything is read.
import { describe, expect, it } from 'vitest'
import { lastLine, runCli } from '../cli/run.ts'
import { sharedPath } from '../helpers/shared.ts'

const DIR = sharedPath('data/libvmaf_logs')
const MODEL = sharedPath('upstream-models/vmaf_tiny_v2.onnx')

describe('vmaf-tiny-lab eval on libvmaf logs', () => {
  it('json/, xml/ and csv/ give identical metrics, equal to those on libvmaf_logs.parquet', async () => {
    const runs = await Promise.all(
      ['json', 'xml', 'csv', 'libvmaf_logs.parquet'].map((f) => runCli(['eval', '--model', MODEL, '--data', `${DIR}/${f}`, '--json'])),
    )
    for (const r of runs) expect(r.code, r.stderr).toBe(0)
    const metrics = runs.map((r) => JSON.parse(r.stdout).metrics)
    expect(Object.keys(metrics[0].per_source).sort()).toEqual(['Fractal', 'Gears', 'Plasma'])
    expect(metrics[0].all.n).toBe(864)
    expect(Number.isFinite(metrics[0].all.plcc)).toBe(true)
    for (const m of metrics.slice(1)) expect(m).toEqual(metrics[0])
  }, 120_000)

  it('--source-pattern names the sources; a pattern without (?<source>…) is a usage error', async () => {
    const [renamed, bad] = await Promise.all([
      runCli(['eval', '--model', MODEL, '--data', `${DIR}/csv`, '--source-pattern', '__(?<source>\\d+x\\d+)__', '--json']),
      runCli(['eval', '--model', MODEL, '--data', `${DIR}/csv`, '--source-pattern', '(\\w+)__']),
    ])
    expect(renamed.code, renamed.stderr).toBe(0)
    expect(Object.keys(JSON.parse(renamed.stdout).metrics.per_source).sort()).toEqual(['320x180', '640x360'])
    expect(bad.code).toBe(2)
    expect(lastLine(bad.stderr)).toMatch(/--source-pattern: .*has no named group \(\?<source>/)
  }, 120_000)
})
