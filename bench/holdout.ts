// Does the sweep's final model beat the default recipe on a source it never saw? One nflx source is
// held out of everything: the demo Netflix file is split into "every other source" and "only that
// source" (two parquet files in a temporary folder, same schema). Then, on the other sources + konvid:
//   1. `sweep --trials N --seed S --device cpu --final-out DIR` (its LOSO folds never see the source,
//      and its final model trains on every row it has);
//   2. `train --model-arch mlp_small --epochs 30 --val-mode none` (the default recipe, same rows);
// and `eval` scores both final models, and the published vmaf_tiny_v2 for scale, on the held-out
// source alone. Then `quantize` makes the sweep's final model int8 (calibrated on its training rows,
// gated on the held-out source's rows, which it never trained on) with --registry-out, and the
// fork's validate_model_registry.py checks that registry. Writes bench/results/holdout-<source>-<date>.json: the date, the machine, the load
// before and after, every command, the sweep's best recipe, and the three models' metrics there.
// The timed intervals are each command's wall time, start-up and data loading included.
//   node scripts/run-ts.mjs bench/holdout.ts [--source NightGrain] [--trials 48] [--seed 0]
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet'
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer'
import { loadNow, machine, today, writeResult } from './results.ts'

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)))
const SHARED = process.env.VMAF_SHARED ?? resolve(REPO, '../shared')
const NFLX = join(SHARED, 'data', 'nflx_like.parquet')
const KONVID = join(SHARED, 'data', 'konvid_like')
const PUBLISHED = join(SHARED, 'upstream-models', 'vmaf_tiny_v2.onnx')
const GATE = join(SHARED, 'upstream-tools', 'validate_model_registry.py')
const SCHEMA = join(SHARED, 'upstream-tools', 'registry.schema.json')

function arg(argv: string[], name: string, def: string): string {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : def
}

type Row = Record<string, string | number>

/** The demo file's rows split by source, written as two parquet files with the file's own columns. */
async function splitBySource(source: string, dir: string): Promise<{ without: string; only: string; rows: { without: number; only: number } }> {
  const file = await asyncBufferFromFile(NFLX)
  const meta = await parquetMetadataAsync(file)
  const columns = meta.schema.slice(1).map((s) => ({ name: s.name, type: s.type }))
  const rows = (await parquetReadObjects({ file })) as Row[]
  const only = rows.filter((r) => r.source === source)
  if (only.length === 0) throw new Error(`${NFLX}: no rows of source ${source}`)
  const without = rows.filter((r) => r.source !== source)
  const write = (name: string, part: Row[]) => {
    const columnData: ColumnSource[] = columns.map(({ name: c, type }) =>
      type === 'BYTE_ARRAY'
        ? { name: c, data: part.map((r) => String(r[c])), type: 'STRING', nullable: false }
        : type === 'INT32'
          ? { name: c, data: Int32Array.from(part, (r) => Number(r[c])), type: 'INT32', nullable: false }
          : { name: c, data: Float32Array.from(part, (r) => Number(r[c])), type: 'FLOAT', nullable: false },
    )
    const path = join(dir, name)
    writeFileSync(path, new Uint8Array(parquetWriteBuffer({ columnData, codec: 'SNAPPY' })))
    return path
  }
  return { without: write(`nflx-without-${source}.parquet`, without), only: write(`nflx-only-${source}.parquet`, only), rows: { without: without.length, only: only.length } }
}

interface Ran {
  command: string
  wall_s: number
  load_before: number[]
  load_after: number[]
  json: unknown
}

/** One CLI command, its JSON stdout parsed; `shown` is the command with the temporary paths named. */
function cli(args: string[], shown: string): Ran {
  const loadBefore = loadNow()
  const t0 = performance.now()
  const r = spawnSync(process.execPath, ['cli/vmaf-tiny-lab.mjs', ...args], { cwd: REPO, encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'inherit'] })
  const wall = (performance.now() - t0) / 1000
  if (r.status !== 0) throw new Error(`${shown} exited with ${r.status}`)
  return { command: shown, wall_s: Number(wall.toFixed(1)), load_before: loadBefore, load_after: loadNow(), json: JSON.parse(r.stdout) }
}

const onnxIn = (dir: string): string => {
  const f = readdirSync(dir).filter((n) => n.endsWith('.onnx'))
  if (f.length !== 1) throw new Error(`${dir}: expected one .onnx, found ${f.length}`)
  return join(dir, f[0])
}

interface EvalJson {
  metrics: { all: { plcc: number; srocc: number; rmse: number; n: number } }
  drift?: unknown
}

const scored = (r: Ran) => {
  const j = r.json as EvalJson
  return { command: r.command, plcc: j.metrics.all.plcc, srocc: j.metrics.all.srocc, rmse: j.metrics.all.rmse, n: j.metrics.all.n, drift: j.drift ?? null }
}

export default async function main(argv: string[]): Promise<number> {
  const source = arg(argv, 'source', 'NightGrain')
  const trials = arg(argv, 'trials', '48')
  const seed = arg(argv, 'seed', '0')
  const tmp = mkdtempSync(join(tmpdir(), 'vmaf-holdout-'))
  const T = (p: string) => p.replaceAll(tmp, 'TMP').replaceAll(SHARED, '../shared')
  try {
    const loadBefore = loadNow()
    const split = await splitBySource(source, tmp)
    const data = ['--netflix', split.without, '--konvid', KONVID]
    const shownData = `--netflix TMP/nflx-without-${source}.parquet --konvid ../shared/data/konvid_like`
    const finalDir = join(tmp, 'sweep-final')
    const baseDir = join(tmp, 'default')
    mkdirSync(baseDir)
    const sweepArgs = ['sweep', '--trials', trials, '--seed', seed, '--device', 'cpu', '--json', '--quiet', '--out-dir', join(tmp, 'sweep'), '--final-out', finalDir]
    const sweep = cli([...sweepArgs, ...data], `node cli/vmaf-tiny-lab.mjs ${T(sweepArgs.join(' '))} ${shownData}`)
    const baseArgs = ['train', '--model-arch', 'mlp_small', '--epochs', '30', '--seed', seed, '--val-mode', 'none', '--device', 'cpu', '--json', '--quiet', '--out-dir', baseDir]
    const base = cli([...baseArgs, ...data], `node cli/vmaf-tiny-lab.mjs ${T(baseArgs.join(' '))} ${shownData}`)
    const evalOf = (model: string) => cli(['eval', '--model', model, '--netflix', split.only, '--json', '--quiet'], `node cli/vmaf-tiny-lab.mjs eval --model ${T(model)} --netflix TMP/nflx-only-${source}.parquet --json`)
    const sweepFinal = scored(evalOf(onnxIn(finalDir)))
    const defaultRecipe = scored(evalOf(onnxIn(baseDir)))
    const published = scored(evalOf(PUBLISHED))
    const finalModel = onnxIn(finalDir)
    const regDir = join(tmp, 'registry')
    const qArgs = ['quantize', '--model', finalModel, '--netflix', split.without, split.only, '--konvid', KONVID, '--registry-out', regDir, '--json', '--quiet']
    const quant = cli(qArgs, `node cli/vmaf-tiny-lab.mjs ${T(qArgs.join(' '))}`)
    const gate = spawnSync('/usr/bin/python3', [GATE, join(regDir, 'registry.json'), '--schema', SCHEMA], { encoding: 'utf8' })
    const best = (sweep.json as { best: unknown }).best
    writeResult(join(REPO, 'bench', 'results', `holdout-${source}-${today()}.json`), {
      bench: 'holdout',
      date: new Date().toISOString(),
      machine: machine(),
      load_average: { before: loadBefore, after: loadNow() },
      command: `node scripts/run-ts.mjs bench/holdout.ts --source ${source} --trials ${trials} --seed ${seed}`,
      held_out: { source, rows: split.rows.only, trained_on: `the other nflx sources (${split.rows.without} rows) + ../shared/data/konvid_like` },
      interval: "each command's wall time, Node start-up and data loading included",
      sweep: { command: sweep.command, wall_s: sweep.wall_s, load_before: sweep.load_before, load_after: sweep.load_after, best },
      default_recipe: { command: base.command, wall_s: base.wall_s },
      on_held_out_source: { sweep_final: sweepFinal, default_mlp_small_30: defaultRecipe, published_vmaf_tiny_v2: published },
      int8: {
        command: quant.command,
        result: JSON.parse(T(JSON.stringify(quant.json))),
        fork_gate: { command: 'python3 ../shared/upstream-tools/validate_model_registry.py TMP/registry/registry.json --schema ../shared/upstream-tools/registry.schema.json', status: gate.status, stdout: gate.stdout.trim(), stderr: gate.stderr.trim() },
      },
      beats_default: { plcc: sweepFinal.plcc > defaultRecipe.plcc, rmse: sweepFinal.rmse < defaultRecipe.rmse },
    })
    process.stderr.write(`held out ${source}: sweep final PLCC ${sweepFinal.plcc.toFixed(4)} RMSE ${sweepFinal.rmse.toFixed(2)}; default mlp_small PLCC ${defaultRecipe.plcc.toFixed(4)} RMSE ${defaultRecipe.rmse.toFixed(2)}; v2 PLCC ${published.plcc.toFixed(4)} RMSE ${published.rmse.toFixed(2)}\n`)
    return 0
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}
