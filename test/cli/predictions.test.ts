// `eval --predictions`: the CLI (as a subprocess) writes one row per evaluated frame, as parquet or
// CSV; the predicted column equals onnxruntime-node's output for the same model on the same rows,
// computed here from the table the CLI reads (same reader, same order).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet'
import { afterAll, expect, test } from 'vitest'
import { CANONICAL_FEATURES } from '../../src/base/features.ts'
import { ingestSources } from '../../src/data/ingest.ts'
import { sharedPath } from '../helpers/shared.ts'
import { lastLine, runCli } from './run.ts'

const NFLX = sharedPath('data/nflx_like.parquet')
const MODEL = sharedPath('upstream-models/vmaf_tiny_v2.onnx')
const tmp = mkdtempSync(join(tmpdir(), 'vtl-predictions-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

async function reference() {
  const { table } = await ingestSources([{ kind: 'buffer', name: NFLX, file: await asyncBufferFromFile(NFLX) }], { corpus: 'nflx', strict: true })
  const session = await ort.InferenceSession.create(MODEL)
  const x = new ort.Tensor('float32', table.matrix([...CANONICAL_FEATURES]), [table.rows, CANONICAL_FEATURES.length])
  const out = await session.run({ [session.inputNames[0]]: x })
  await session.release()
  return { table, pred: Float32Array.from(out[session.outputNames[0]].data as Float32Array) }
}

test('eval --predictions FILE.parquet and FILE.csv: one row per evaluated frame, onnxruntime-node\'s predictions', async () => {
  const ref = await reference()
  const pq = join(tmp, 'out', 'v2.parquet')
  const csv = join(tmp, 'v2.csv')
  for (const path of [pq, csv]) {
    const run = await runCli(['eval', '--model', MODEL, '--netflix', NFLX, '--predictions', path, '--json'])
    expect(run.code, run.stderr).toBe(0)
    expect(JSON.parse(lastLine(run.stdout)).predictions).toBe(path)
  }
  const rows = await parquetReadObjects({ file: await asyncBufferFromFile(pq) })
  expect(rows).toHaveLength(10_800)
  expect(Object.keys(rows[0])).toEqual(['source', 'key', 'frame_index', 'vmaf', 'predicted'])
  const t = ref.table
  const frames = t.frameIndex()
  rows.forEach((r, i) => {
    expect(r.source).toBe(t.sourceNames[t.sourceCodes()[i]])
    expect(r.key).toBe(t.keyNames[t.keyCodes()[i]])
    expect(r.frame_index).toBe(frames[i])
    expect(r.vmaf).toBe(t.target()[i])
    expect(r.predicted).toBe(ref.pred[i])
  })
  const lines = readFileSync(csv, 'utf8').trimEnd().split('\n')
  expect(lines).toHaveLength(10_801)
  expect(lines[0]).toBe('source,key,frame_index,vmaf,predicted')
  lines.slice(1).forEach((l, i) => {
    const f = l.split(',')
    expect(Math.fround(Number(f[4]))).toBe(ref.pred[i])
  })
}, 300_000)

test('eval --predictions with another extension is refused before anything is read', async () => {
  const run = await runCli(['eval', '--model', MODEL, '--netflix', NFLX, '--predictions', join(tmp, 'p.txt')])
  expect(run.code).toBe(2)
  expect(lastLine(run.stderr)).toMatch(/--predictions .*p\.txt: the file must end in \.parquet or \.csv/)
})
