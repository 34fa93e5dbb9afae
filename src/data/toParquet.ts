// The loaded table as one parquet file in the demo corpus's schema, so a folder of libvmaf logs (or
// many shards) loads next time as a single file: corpus, source, key (strings), frame_index (int32),
// the six features, the loaded extras and the target (float32), every column REQUIRED, in row groups
// of ROW_GROUP rows. Compression is Snappy, the codec hyparquet-writer ships with; the reader takes
// it like the demo files.
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer'
import { CORPORA, type TableView } from './table.ts'

const ROW_GROUP = 100_000

/** Names of coded rows, one string per row (hyparquet-writer dictionary-encodes them again). */
function decode(codes: ArrayLike<number>, names: readonly string[]): string[] {
  const out = new Array<string>(codes.length)
  for (let i = 0; i < codes.length; i++) out[i] = names[codes[i]]
  return out
}

/** The parquet file's bytes. */
export function tableToParquet(table: TableView): ArrayBuffer {
  const strings = (name: string, data: string[]): ColumnSource => ({ name, data, type: 'STRING', nullable: false })
  const floats = (name: string, data: Float32Array): ColumnSource => ({ name, data: Float32Array.from(data), type: 'FLOAT', nullable: false })
  const columnData: ColumnSource[] = [
    strings('corpus', decode(table.corpusCodes(), CORPORA)),
    strings('source', decode(table.sourceCodes(), table.sourceNames)),
    strings('key', decode(table.keyCodes(), table.keyNames)),
    { name: 'frame_index', data: table.frameIndex(), type: 'INT32', nullable: false },
    ...table.featureNames.map((f) => floats(f, table.feature(f))),
    floats(table.targetName, table.target()),
  ]
  return parquetWriteBuffer({ columnData, rowGroupSize: ROW_GROUP, codec: 'SNAPPY' })
}
