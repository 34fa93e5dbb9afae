// A schedule in a few bytes per run, for the test that every preset's schedule on the demo corpus
// stays what it was: the run's id, epochs, the sha256 of its training and test rows (as uint32
// bytes), its test groups and its split record. scheduleDigest.json was written by this digest at
// the commit before the schedule read splits.ts's typed grouping (08ac980):
//   VMAF_SHARED=… node scripts/run-ts.mjs test/experiment/scheduleDigest.ts > test/experiment/scheduleDigest.json
import { sha256Hex } from '../../src/data/sha256.ts'
import type { TableView } from '../../src/data/table.ts'
import { PRESETS, presetDesign } from '../../src/experiment/presets.ts'
import { scheduleExperiment, type Schedule } from '../../src/experiment/schedule.ts'
import { loadDemo } from '../helpers/demoTable.ts'

const digest = (rows: Uint32Array) => sha256Hex(new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength))

export function scheduleDigest(s: Schedule) {
  return {
    folds: s.folds,
    runs: s.runs.map((r) => ({
      id: r.spec.id,
      epochs: r.spec.epochs,
      train: `${r.spec.rows.trainRows.length}:${digest(r.spec.rows.trainRows)}`,
      test: `${r.spec.rows.valRows.length}:${digest(r.spec.rows.valRows)}`,
      groups: r.groups.map((g) => `${g.fold}:${g.positions.length}:${digest(g.positions)}`),
      split: r.spec.split,
    })),
  }
}

/** Every preset (2 seeds) scheduled on `table`, digested. */
export function presetDigests(table: TableView): Record<string, ReturnType<typeof scheduleDigest>> {
  return Object.fromEntries(PRESETS.map((p) => [p, scheduleDigest(scheduleExperiment(table, presetDesign(p, { seeds: 2 })))]))
}

export default async function main(): Promise<number> {
  process.stdout.write(`${JSON.stringify(presetDigests(await loadDemo()))}\n`)
  return 0
}
