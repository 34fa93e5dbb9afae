// How the command line ends on an error: one line on stderr, an exit code by kind. The errors are
// the app's own classes (DataError for input files, ModelFileError for models, SplitError,
// ArchError for settings) plus the few the CLI adds.
import { DataError } from '../src/data/errors.ts'
import { SplitError } from '../src/data/splits.ts'
import { ArchError } from '../src/model/arch.ts'
import { NoChromiumError } from '../src/node/browser.ts'
import { GpuUnavailableError } from '../src/node/chromiumTrainer.ts'
import { ModelFileError } from '../src/onnx/errors.ts'
import { QuantizeRefusedError } from '../src/experiment/quantizeRun.ts'
import { CliUsageError } from './args.ts'

/** A file or folder given on the command line that cannot be used (does not exist, empty…). */
export class CliInputError extends Error {
  override name = 'CliInputError'
}

/** --device gpu asked for, but no GPU is to be had: says how to get one. */
export class DeviceError extends Error {
  override name = 'DeviceError'
}

/** The run was interrupted (Ctrl-C). */
export class InterruptedError extends Error {
  override name = 'InterruptedError'
}

export const EXIT = {
  ok: 0,
  /** bad input files or models, or training/evaluation failed */
  failure: 1,
  /** bad flags or flag values */
  usage: 2,
  /** no GPU for --device gpu */
  device: 3,
  interrupted: 130,
} as const

export function exitCode(e: unknown): number {
  if (e instanceof CliUsageError || e instanceof ArchError || e instanceof SplitError) return EXIT.usage
  if (e instanceof DeviceError || e instanceof NoChromiumError || e instanceof GpuUnavailableError) return EXIT.device
  if (e instanceof InterruptedError) return EXIT.interrupted
  return EXIT.failure
}

/** The error as one line: the app's messages already name the file, column and row group. */
export function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e)
  const known =
    e instanceof DataError ||
    e instanceof ModelFileError ||
    e instanceof CliUsageError ||
    e instanceof CliInputError ||
    e instanceof DeviceError ||
    e instanceof InterruptedError ||
    e instanceof SplitError ||
    e instanceof ArchError ||
    e instanceof QuantizeRefusedError
  const text = known || !(e instanceof Error) || e.name === 'Error' ? msg : `${e.name}: ${msg}`
  return text.replace(/\s*\n\s*/g, ' ').trim()
}
