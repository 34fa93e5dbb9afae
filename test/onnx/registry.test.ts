// Registry export: ids, provenance in the sidecar, and the libvmaf fork's own gate
// (../shared/upstream-tools/validate_model_registry.py with Debian's python3-jsonschema) run on an
// export of real models.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { archSpec } from '../../src/model/arch.ts'
import { initParams } from '../../src/model/init.ts'
import type { Provenance, TrainedModel } from '../../src/model/trained.ts'
import { exportOnnx, parseSidecar, sidecar, type Sidecar } from '../../src/onnx/index.ts'
import {
  ID_PATTERN,
  MAX_ID_LENGTH,
  REGISTRY_FILE,
  registryId,
  registryIds,
  registryNotes,
  RegistryError,
  trainingDataset,
  writeRegistry,
} from '../../src/onnx/registry.ts'
import { sha256Hex } from '../../src/onnx/index.ts'
import { sharedPath } from '../helpers/shared.ts'
import { fakeTable } from '../helpers/fakeTable.ts'
import { trainedModel } from './models.ts'

const PYTHON = '/usr/bin/python3'
const GATE = sharedPath('upstream-tools', 'validate_model_registry.py')
const SCHEMA = sharedPath('upstream-tools', 'registry.schema.json')
const FILES = [
  { name: 'nflx_like.parquet', sha256: 'a'.repeat(64), rows: 10_800 },
  { name: 'konvid_like/part-000.parquet', sha256: 'b'.repeat(64), rows: 2_318 },
]

function model(arch: 'linear' | 'mlp_small' | 'mlp_medium' | 'mlp_large' | 'custom', seed: number, provenance?: Provenance, hidden?: number[]): TrainedModel {
  const spec = archSpec(arch, 6, hidden)
  const m = trainedModel(`${arch}-seed${seed}-20261201T003321-S000`, initParams(spec.widths, seed), null, arch)
  m.training = { ...m.training, seed, inputFiles: FILES, ...(provenance ? { provenance } : {}) }
  return m
}

const exported = (m: TrainedModel) => {
  const onnx = exportOnnx(m)
  return { onnx, sidecar: sidecar(m, onnx) }
}

const side = (over: Partial<Sidecar>, seed = 0): Sidecar =>
  ({ id: 'x', kind: 'fr', features: ['adm2'], arch: 'mlp_small', training: { seed } as Sidecar['training'], ...over }) as Sidecar

describe('registry ids', () => {
  it('are readable: arch, experiment, arm, fold, seed', () => {
    expect(registryId(side({ experiment: 'foxbird', arm: 'b', fold: 'NightGrain' }))).toBe('mlp_small-foxbird-b-nightgrain-s0')
    expect(registryId(side({ arch: 'custom', widths: [6, 64, 32, 1], experiment: 'arch', arm: 'custom', fold: 'Alpine' }, 4))).toBe(
      'custom_64_32-arch-custom-alpine-s4',
    )
    expect(registryId(side({ experiment: 'dose', arm: 'konvid_25', fold: 'Café Crème' }, 2))).toBe('mlp_small-dose-konvid_25-cafe-creme-s2')
  })
  it("turn today's names into valid ones", () => {
    const bad = 'mlp_small-seed0-20261201T003321-S000'
    expect(ID_PATTERN.test(bad)).toBe(false)
    expect(registryId(side({ id: bad }))).toBe('mlp_small-seed0-20261201t003321-s000')
  })
  it('stay within 64 characters, keep arch, arm and seed, and stay distinct', () => {
    const long = 'a very long experiment name about konvid dose response'
    const ids = [0, 1].map((seed) => registryId(side({ experiment: long, arm: 'konvid_100', fold: 'AnExtremelyLongSourceNameForAFold_TakenFromAFile' }, seed)))
    for (const id of ids) {
      expect(id.length).toBeLessThanOrEqual(MAX_ID_LENGTH)
      expect(id).toMatch(ID_PATTERN)
      expect(id).toMatch(/^mlp_small-a-very-long-experime-konvid_100-anextremelylongsour-s[01]$/)
    }
    expect(ids[0]).not.toBe(ids[1])
    const huge = registryId(side({ id: 'X'.repeat(100) }))
    expect(huge).toHaveLength(MAX_ID_LENGTH)
    expect(huge).toMatch(ID_PATTERN)
    expect(huge).not.toBe(registryId(side({ id: 'X'.repeat(101) })))
  })
  it('are made unique within one export', () => {
    const s = side({ experiment: 'foxbird', arm: 'a', fold: 'Harbor' })
    expect(registryIds([s, s, s])).toEqual(['mlp_small-foxbird-a-harbor-s0', 'mlp_small-foxbird-a-harbor-s0-2', 'mlp_small-foxbird-a-harbor-s0-3'])
  })
})

describe('provenance', () => {
  it('names the corpora of the training rows', () => {
    const t = fakeTable([
      { corpus: 'nflx', source: 'A', key: 'a1' },
      { corpus: 'nflx', source: 'B', key: 'b1' },
      { corpus: 'konvid', source: 'k', key: 'k1' },
    ])
    expect(trainingDataset(t, [0, 1, 2])).toBe('nflx+konvid')
    expect(trainingDataset(t, [2, 0])).toBe('nflx+konvid')
    expect(trainingDataset(t, [1])).toBe('nflx')
    expect(trainingDataset(t, Uint32Array.of(2))).toBe('konvid')
  })
  it('goes into the sidecar: dataset with the files sha256, experiment, arm, fold; and back through parseSidecar', () => {
    const { sidecar: s } = exported(model('mlp_small', 3, { dataset: 'nflx+konvid', experiment: 'foxbird', arm: 'b', fold: 'NightGrain' }))
    expect(s).toMatchObject({ dataset: 'nflx+konvid', experiment: 'foxbird', arm: 'b', fold: 'NightGrain', dataset_files: FILES })
    const back = parseSidecar(JSON.stringify(s), 'm.json')
    expect(back.dataset).toBe('nflx+konvid')
    expect(back.fold).toBe('NightGrain')
    expect(() => parseSidecar(JSON.stringify({ ...s, dataset: 3 }), 'm.json')).toThrow(/m\.json: field "dataset" must be a string/)
  })
  it('is absent for models without it', () => {
    const { sidecar: s } = exported(model('linear', 0))
    expect(s.dataset).toBeUndefined()
    expect(s.experiment).toBeUndefined()
  })
  it('is summed up in the registry notes, ASCII and at most 512 characters', () => {
    const { sidecar: s } = exported(model('mlp_small', 3, { dataset: 'nflx+konvid', experiment: 'foxbird', arm: 'b', fold: 'NightGrain' }))
    const notes = registryNotes(s)
    expect(notes).toBe(
      'mlp_small 6-16-8-1 (257 params) trained in vmaf-tiny-lab; experiment foxbird, arm b, fold NightGrain; seed 3, 3 epochs Adam lr 0.001, ' +
        'batch 256, raw scaler; dataset nflx+konvid (nflx_like.parquet sha256 aaaaaaaaaaaa, konvid_like/part-000.parquet sha256 bbbbbbbbbbbb).',
    )
    const many = registryNotes({ ...s, dataset_files: Array(40).fill(FILES[0]) })
    expect(many.length).toBeLessThanOrEqual(512)
    expect(many).toMatch(/^[\x20-\x7e]+\.\.\.$/)
  })
})

describe('writeRegistry', () => {
  const foxbird = { dataset: 'nflx+konvid', experiment: 'foxbird' }
  const models = [
    exported(model('mlp_small', 0, { ...foxbird, arm: 'b', fold: 'NightGrain' })),
    exported(model('mlp_small', 1, { ...foxbird, arm: 'b', fold: 'NightGrain' })),
    exported(model('mlp_medium', 0, { dataset: 'nflx', experiment: 'arch', arm: 'mlp_medium', fold: 'Alpine' })),
    exported(model('custom', 2, { dataset: 'konvid', experiment: 'cross', arm: 'konvid_to_nflx', fold: 'all nflx rows' }, [12, 4])),
    exported(model('linear', 0)),
  ]
  const files = writeRegistry({ models })
  const registry = JSON.parse(new TextDecoder().decode(files[REGISTRY_FILE]))
  const dir = mkdtempSync(join(tmpdir(), 'vmaf-registry-'))
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('lists every model with its sha256, and writes <id>.onnx + <id>.json', () => {
    expect(registry.schema_version).toBe(1)
    expect(registry.models.map((m: { id: string }) => m.id)).toEqual([
      'mlp_small-foxbird-b-nightgrain-s0',
      'mlp_small-foxbird-b-nightgrain-s1',
      'mlp_medium-arch-mlp_medium-alpine-s0',
      'custom_12_4-cross-konvid_to_nflx-all-nflx-rows-s2',
      'linear-seed0-20261201t003321-s000',
    ])
    expect(Object.keys(files).sort()).toEqual([...registry.models.flatMap((m: { id: string }) => [`${m.id}.json`, `${m.id}.onnx`]), REGISTRY_FILE].sort())
    registry.models.forEach((m: { id: string; onnx: string; sha256: string; kind: string; opset: number; license: string }, i: number) => {
      expect(files[m.onnx]).toBe(models[i].onnx)
      expect(m.sha256).toBe(sha256Hex(models[i].onnx))
      expect(m).toMatchObject({ kind: 'fr', opset: 17, license: 'BSD-3-Clause-Plus-Patent' })
      const s = JSON.parse(new TextDecoder().decode(files[`${m.id}.json`]))
      expect(s).toMatchObject({ id: m.id, onnx: m.onnx, sha256: m.sha256 })
    })
    const s0 = JSON.parse(new TextDecoder().decode(files['mlp_small-foxbird-b-nightgrain-s0.json']))
    expect(s0).toMatchObject({ dataset: 'nflx+konvid', experiment: 'foxbird', arm: 'b', fold: 'NightGrain', dataset_files: FILES })
  })

  it('refuses an empty export', () => {
    expect(() => writeRegistry({ models: [] })).toThrow(RegistryError)
  })

  it("passes the fork's gate with its JSON schema (python3-jsonschema)", () => {
    const jsonschema = spawnSync(PYTHON, ['-c', 'import jsonschema'])
    if (jsonschema.status !== 0)
      throw new Error(`${PYTHON} cannot import jsonschema: install Debian python3-jsonschema (npm test does it as root)`)
    const gate = spawnSync(PYTHON, [GATE, join(dir, REGISTRY_FILE), '--schema', SCHEMA], { encoding: 'utf8' })
    expect(gate.stderr).toBe('')
    expect(gate.stdout.trim()).toBe('OK: 5 registry entries valid against registry.schema.json')
    expect(gate.status).toBe(0)
  })

  it("is a gate that fails: today's ids, a wrong sha256 or a missing sidecar are refused", () => {
    const bad = structuredClone(registry)
    bad.models[0].id = 'mlp_small-seed0-20261201T003321-S000'
    bad.models[1].sha256 = '0'.repeat(64)
    rmSync(join(dir, `${registry.models[2].id}.json`))
    const path = join(dir, 'bad-registry.json')
    writeFileSync(path, JSON.stringify(bad))
    const gate = spawnSync(PYTHON, [GATE, path, '--schema', SCHEMA], { encoding: 'utf8' })
    expect(gate.status).toBe(1)
    expect(gate.stderr).toContain("FAIL: schema: models/0/id: 'mlp_small-seed0-20261201T003321-S000' does not match")
    expect(gate.stderr).toContain(`FAIL: ${registry.models[1].id}: sha256 mismatch`)
    expect(gate.stderr).toContain(`FAIL: ${registry.models[2].id}: missing sidecar ${registry.models[2].id}.json`)
    writeFileSync(join(dir, `${registry.models[2].id}.json`), files[`${registry.models[2].id}.json`])
    expect(readFileSync(join(dir, REGISTRY_FILE), 'utf8')).toContain('"schema_version": 1')
  })
})
