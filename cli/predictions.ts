// `eval --predictions FILE.parquet|FILE.csv`: one row per evaluated frame (source, key,
// frame_index, the target, predicted), written piece by piece (src/metrics/predictionsOut.ts).
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileWriter } from 'hyparquet-writer'
import type { PredictionTable } from '../src/metrics/predictions.ts'
import { predictionsCsv, writePredictionsParquet } from '../src/metrics/predictionsOut.ts'
import { CliUsageError } from './args.ts'

export type PredictionsFormat = 'parquet' | 'csv'

/** The format a --predictions path asks for, from its extension. */
export function predictionsFormat(path: string): PredictionsFormat {
  const m = /\.(parquet|csv)$/i.exec(path)
  if (!m) throw new CliUsageError(`--predictions ${path}: the file must end in .parquet or .csv`)
  return m[1].toLowerCase() as PredictionsFormat
}

/** Write the table to `path`; returns the absolute path. */
export async function writePredictions(path: string, t: PredictionTable): Promise<string> {
  const abs = resolve(path)
  mkdirSync(dirname(abs), { recursive: true })
  if (predictionsFormat(path) === 'parquet') {
    await writePredictionsParquet(t, fileWriter(abs))
    return abs
  }
  const fd = openSync(abs, 'w')
  try {
    for (const piece of predictionsCsv(t)) writeSync(fd, piece)
  } finally {
    closeSync(fd)
  }
  return abs
}
