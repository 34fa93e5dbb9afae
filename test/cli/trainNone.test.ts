// `train --val-mode none`: every row trains; the JSON, the sidecar and the report say no rows were
// held out and carry no metrics (null with the reason) rather than scores on the training rows;
// quantize then says its gate rows were trained on too.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KONVID, NFLX, SOURCES } from './demo.ts'
import { lastLine, runCli } from './run.ts'

const DATA = ['--netflix', NFLX, '--konvid', KONVID]
type Model = { id: string; onnx: string; sidecar: string; report: string; report_md: string; split: string; metrics: unknown; metrics_reason?: string }

let tmp: string
let m: Model

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vmaf-none-'))
  const r = await runCli(['train', ...DATA, '--device', 'cpu', '--epochs', '3', '--val-mode', 'none', '--out-dir', join(tmp, 'train'), '--json', '--quiet'])
  if (r.code !== 0) throw new Error(`train failed: ${r.stderr}`)
  m = JSON.parse(r.stdout).models[0]
}, 120_000)

afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('train --val-mode none', () => {
  it('trains on every row and reports no metrics, with the reason', () => {
    expect(m.split).toBe('all 20,072 rows train; no validation rows')
    expect(m.metrics).toBeNull()
    expect(m.metrics_reason).toMatch(/no rows were held out \(--val-mode none trains on every row\)/)
  })

  it('records in the sidecar that no rows were held out, and no metrics', () => {
    const side = JSON.parse(readFileSync(m.sidecar, 'utf8'))
    expect(side.training.split_record).toEqual({ mode: 'none', train_sources: [...SOURCES, 'konvid'].sort(), held_out_sources: [] })
    expect(side.training).toMatchObject({ train_rows: 20072, val_rows: 0 })
    expect(side.training.metrics).toBeUndefined()
  })

  it('writes a report whose metrics are null with the reason', () => {
    const rep = JSON.parse(readFileSync(m.report, 'utf8'))
    expect(rep.data.rows).toBe(0)
    expect(rep.metrics).toBeNull()
    expect(rep.metrics_reason).toBe(m.metrics_reason)
    expect(readFileSync(m.report_md, 'utf8')).toContain(`No metrics: ${m.metrics_reason}.`)
  })

  it('refuses --val-source with --val-mode none', async () => {
    const r = await runCli(['train', '--val-mode', 'none', '--val-source', 'Harbor', '--device', 'cpu'])
    expect(r.code).toBe(2)
    expect(lastLine(r.stderr)).toMatch(/--val-source applies to the netflix-source modes, not --val-mode none/)
  })

  it('quantize says the gate rows were trained on too', async () => {
    const r = await runCli(['quantize', '--model', m.onnx, ...DATA, '--json', '--quiet'])
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j.gate_rows_held_out).toBe(false)
    expect(j.rows).toMatch(/^the model trained on every row \(.*\): calibrated on all 20072 rows, gated on \d+ rows of \d+ of \d+ clips \(20%, seed 0, whole clips\), which it trained on too$/)
  })
})
