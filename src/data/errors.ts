// Everything that can go wrong with an input file, as classes that name the file (and the column or
// row group where it applies). Workers cannot send class instances, so every error serialises to a
// plain object (toJSON) and is rebuilt on the other side (dataErrorFromJSON) with the same class.

export type DataErrorCode =
  | 'not-parquet'
  | 'truncated'
  | 'corrupt'
  | 'missing-column'
  | 'non-numeric-column'
  | 'empty-file'
  | 'duplicate-file'
  | 'unreachable-url'
  | 'no-range-support'
  | 'target-mismatch'
  | 'unknown-corpus'
  | 'bad-log'
  | 'cancelled'
  | 'read-stalled'
  | 'internal'

export interface DataErrorJSON {
  code: DataErrorCode
  file: string
  message: string
  column?: string
  rowGroup?: number
  /** code-specific details (see the subclasses) */
  details?: Record<string, unknown>
}

/** Base class: `file` is the name the user gave (file name or URL). */
export class DataError extends Error {
  override name = 'DataError'
  readonly code: DataErrorCode = 'internal'
  readonly file: string
  readonly column?: string
  readonly rowGroup?: number

  constructor(file: string, message: string, where: { column?: string; rowGroup?: number } = {}) {
    super(`${file}: ${message}`)
    this.file = file
    this.column = where.column
    this.rowGroup = where.rowGroup
  }

  /** The message without the file-name prefix, for UIs that show the file separately. */
  get detail(): string {
    const prefix = `${this.file}: `
    return this.message.startsWith(prefix) ? this.message.slice(prefix.length) : this.message
  }

  protected details(): Record<string, unknown> | undefined {
    return undefined
  }

  toJSON(): DataErrorJSON {
    const out: DataErrorJSON = { code: this.code, file: this.file, message: this.detail }
    if (this.column !== undefined) out.column = this.column
    if (this.rowGroup !== undefined) out.rowGroup = this.rowGroup
    const details = this.details()
    if (details) out.details = details
    return out
  }
}

export class NotParquetError extends DataError {
  override name = 'NotParquetError'
  override readonly code = 'not-parquet'
}

export class TruncatedFileError extends DataError {
  override name = 'TruncatedFileError'
  override readonly code = 'truncated'
}

/** The file's structure or a page could not be decoded; names the row group and column when known. */
export class CorruptFileError extends DataError {
  override name = 'CorruptFileError'
  override readonly code = 'corrupt'
}

export class MissingColumnError extends DataError {
  override name = 'MissingColumnError'
  override readonly code = 'missing-column'
  constructor(
    file: string,
    readonly missing: string[],
    /** every top-level column of the file, in file order */
    readonly present: string[],
    /** numeric columns that could stand in for a missing target */
    readonly targetCandidates: string[],
    /** true when the missing column is the target (the user may pick another one) */
    readonly targetMissing: boolean,
  ) {
    const what = missing.length === 1 ? `column "${missing[0]}"` : `columns ${missing.map((m) => `"${m}"`).join(', ')}`
    let msg = `missing required ${what}. Columns present: ${present.join(', ') || '(none)'}.`
    if (targetMissing && targetCandidates.length)
      msg += ` Another numeric column can be used as the target: ${targetCandidates.join(', ')}.`
    super(file, msg, { column: missing[0] })
  }
  protected override details() {
    return {
      missing: this.missing,
      present: this.present,
      targetCandidates: this.targetCandidates,
      targetMissing: this.targetMissing,
    }
  }
}

export class NonNumericColumnError extends DataError {
  override name = 'NonNumericColumnError'
  override readonly code = 'non-numeric-column'
  constructor(
    file: string,
    column: string,
    readonly columnType: string,
  ) {
    super(file, `column "${column}" must be numeric (float or int) but is ${columnType}`, { column })
  }
  protected override details() {
    return { columnType: this.columnType }
  }
}

export class EmptyFileError extends DataError {
  override name = 'EmptyFileError'
  override readonly code = 'empty-file'
  constructor(file: string, message = 'the file has 0 rows') {
    super(file, message)
  }
}

export class DuplicateFileError extends DataError {
  override name = 'DuplicateFileError'
  override readonly code = 'duplicate-file'
  constructor(
    file: string,
    readonly sha256: string,
    readonly firstName: string,
  ) {
    const same = firstName === file ? 'is already loaded' : `has the same content as "${firstName}", already loaded`
    super(file, `${same} (sha256 ${sha256.slice(0, 12)}…); its rows were not added again`)
  }
  protected override details() {
    return { sha256: this.sha256, firstName: this.firstName }
  }
}

export class UnreachableUrlError extends DataError {
  override name = 'UnreachableUrlError'
  override readonly code = 'unreachable-url'
  constructor(
    file: string,
    message: string,
    readonly status?: number,
  ) {
    super(file, message)
  }
  protected override details() {
    return this.status === undefined ? undefined : { status: this.status }
  }
}

export class RangeNotSupportedError extends DataError {
  override name = 'RangeNotSupportedError'
  override readonly code = 'no-range-support'
}

export class TargetMismatchError extends DataError {
  override name = 'TargetMismatchError'
  override readonly code = 'target-mismatch'
  constructor(
    file: string,
    readonly wanted: string,
    readonly loaded: string,
  ) {
    super(
      file,
      `uses "${wanted}" as the target but the loaded data uses "${loaded}"; clear the loaded data first to switch the target`,
      { column: wanted },
    )
  }
  protected override details() {
    return { wanted: this.wanted, loaded: this.loaded }
  }
}

export class UnknownCorpusError extends DataError {
  override name = 'UnknownCorpusError'
  override readonly code = 'unknown-corpus'
  constructor(
    file: string,
    readonly values: string[],
    rowGroup?: number,
  ) {
    super(
      file,
      `column "corpus" holds ${values.map((v) => `"${v}"`).join(', ')}; only "nflx" and "konvid" are known`,
      { column: 'corpus', rowGroup },
    )
  }
  protected override details() {
    return { values: this.values }
  }
}

export class LoadCancelledError extends DataError {
  override name = 'LoadCancelledError'
  override readonly code = 'cancelled'
  constructor(file: string) {
    super(file, 'loading was cancelled; nothing from this file was kept')
  }
}

/** The browser stopped delivering a dropped file's bytes: the load fails with this instead of waiting forever. */
export class ReadStalledError extends DataError {
  override name = 'ReadStalledError'
  override readonly code = 'read-stalled'
  static at(file: string, start: number, end: number, stalledMs: number): ReadStalledError {
    return new ReadStalledError(file, `reading bytes ${start}–${end} of the file got no data for ${Math.round(stalledMs / 1000)} s; nothing from this file was kept, try loading it again`)
  }
}

/** What is wrong with a libvmaf log (JSON, XML or CSV). */
export type LogProblem = 'truncated' | 'not-libvmaf' | 'malformed' | 'ragged'

/** A libvmaf log that cannot be read: cut short, not a libvmaf log, a broken frame, or ragged CSV rows. */
export class BadLogError extends DataError {
  override name = 'BadLogError'
  override readonly code = 'bad-log'
  constructor(
    file: string,
    readonly problem: LogProblem,
    text: string,
  ) {
    super(file, text)
  }
  protected override details() {
    return { problem: this.problem }
  }
}

/** Rebuild a DataError (with its class) from its JSON form, e.g. after crossing a worker boundary. */
export function dataErrorFromJSON(j: DataErrorJSON): DataError {
  const d = (j.details ?? {}) as Record<string, any>
  const where = { column: j.column, rowGroup: j.rowGroup }
  switch (j.code) {
    case 'not-parquet':
      return new NotParquetError(j.file, j.message, where)
    case 'truncated':
      return new TruncatedFileError(j.file, j.message, where)
    case 'corrupt':
      return new CorruptFileError(j.file, j.message, where)
    case 'missing-column':
      return new MissingColumnError(j.file, d.missing ?? [], d.present ?? [], d.targetCandidates ?? [], !!d.targetMissing)
    case 'non-numeric-column':
      return new NonNumericColumnError(j.file, j.column ?? '?', d.columnType ?? '?')
    case 'empty-file':
      return new EmptyFileError(j.file, j.message)
    case 'duplicate-file':
      return new DuplicateFileError(j.file, d.sha256 ?? '', d.firstName ?? j.file)
    case 'unreachable-url':
      return new UnreachableUrlError(j.file, j.message, d.status)
    case 'no-range-support':
      return new RangeNotSupportedError(j.file, j.message)
    case 'target-mismatch':
      return new TargetMismatchError(j.file, d.wanted ?? '?', d.loaded ?? '?')
    case 'unknown-corpus':
      return new UnknownCorpusError(j.file, d.values ?? [], j.rowGroup)
    case 'cancelled':
      return new LoadCancelledError(j.file)
    case 'read-stalled':
      return new ReadStalledError(j.file, j.message)
    case 'bad-log':
      return new BadLogError(j.file, d.problem ?? 'malformed', j.message)
    default:
      return new DataError(j.file, j.message, where)
  }
}

/** Wrap anything thrown while reading `file` into a DataError. */
export function asDataError(file: string, e: unknown, where: { column?: string; rowGroup?: number } = {}): DataError {
  if (e instanceof DataError) return e
  const msg = e instanceof Error ? e.message : String(e)
  const at = [
    where.rowGroup !== undefined ? `row group ${where.rowGroup}` : '',
    where.column !== undefined ? `column "${where.column}"` : '',
  ]
    .filter(Boolean)
    .join(', ')
  return new CorruptFileError(file, `could not decode ${at || 'the file'}: ${msg}`, where)
}
