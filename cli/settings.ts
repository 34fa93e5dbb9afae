// The flags train and loso share (the reference trainer's names) and how they are read and
// checked before any data is loaded, so a bad value fails in milliseconds.
import { TRAIN_SPLIT_MODES, type TrainSplitMode } from '../src/experiment/trainRun.ts'
import { archSpec, isNamedArch, NAMED_ARCHS, type ArchSpec } from '../src/model/arch.ts'
import { CANONICAL_FEATURES } from '../src/base/features.ts'
import type { ScalerMode } from '../src/model/trained.ts'
import { CliUsageError, type FlagSpec, type Flags } from './args.ts'
import { DEVICES, type Device } from './device.ts'

export const DATA_SPECS: FlagSpec[] = [
  { name: 'netflix', kind: 'values', meta: 'FILE…', help: 'Netflix-like data, tagged nflx: parquet feature files or libvmaf logs (.json/.xml/.csv), folders of them, or http(s) URLs' },
  { name: 'konvid', kind: 'values', meta: 'FILE…', help: 'KoNViD-like data (parquet or libvmaf logs), tagged konvid' },
  { name: 'data', kind: 'values', meta: 'FILE…', help: 'files tagged by their own "corpus" column (nflx when none; logs: nflx); without any data flag: the demo corpus in public/demo/' },
  { name: 'source-pattern', kind: 'value', meta: 'REGEX', help: 'libvmaf logs: a regular expression with a named group (?<source>…), matched against the path, that names the source', def: 'the file stem up to the first "__", else the parent folder' },
]

export const MODEL_SPECS: FlagSpec[] = [
  { name: 'model-arch', kind: 'value', meta: 'ARCH', help: `${Object.keys(NAMED_ARCHS).join('|')}|custom; train takes a comma list (one model each)`, def: 'mlp_small' },
  { name: 'hidden', kind: 'value', meta: 'W,W…', help: 'hidden layer widths for a custom architecture, e.g. 64,32 (implies --model-arch custom)' },
  { name: 'epochs', kind: 'value', meta: 'N', help: 'training epochs', def: '30' },
  { name: 'batch-size', kind: 'value', meta: 'N', help: 'mini-batch size', def: '256' },
  { name: 'lr', kind: 'value', meta: 'LR', help: 'Adam learning rate', def: '0.001' },
  { name: 'scaler', kind: 'value', meta: 'MODE', help: 'standard (mean/std of the training rows, baked into the ONNX) | raw (no scaler)', def: 'standard' },
]

/** --registry-out, the same on train and study. */
export const REGISTRY_OUT_SPEC: FlagSpec = { name: 'registry-out', kind: 'value', meta: 'DIR', help: 'also write every model as <id>.onnx + <id>.json and a registry.json there' }

/** study and sweep: after a lost GPU device, resume the stopped runs from their last completed epoch. */
export const RESUME_SPEC: FlagSpec = {
  name: 'resume-attempts',
  kind: 'value',
  meta: 'N',
  help: 'after a lost GPU device, resume each unfinished run from its last completed epoch (finished runs are kept), at most N times; 0 stops and writes what finished',
  def: '2',
}

export function readResumeAttempts(flags: Flags): number {
  return flags.int('resume-attempts', 2, 0, 10)
}

/** The stderr line of a resume after a lost device. */
export function resumeLine(lost: readonly { message: string }[], attempt: number, attempts: number): string {
  return `${lost[0].message}: resuming ${lost.length} run${lost.length === 1 ? '' : 's'} from the last completed epoch (attempt ${attempt} of ${attempts})`
}

/** --json and --quiet: every command's output flags. */
export const OUTPUT_SPECS: FlagSpec[] = [
  { name: 'json', kind: 'flag', help: 'print one JSON object on stdout (progress stays on stderr)' },
  { name: 'quiet', kind: 'flag', help: 'no progress output' },
]

export const RUN_SPECS: FlagSpec[] = [
  { name: 'device', kind: 'value', meta: 'DEV', help: 'auto (the engine measured faster for the run’s architectures on this adapter; says which and why) | gpu (force the WebGPU engine in headless Chromium) | cpu (force the WebAssembly SIMD trainer, one worker per core)', def: 'auto' },
  { name: 'out-dir', kind: 'value', meta: 'DIR', help: 'where the models and reports are written', def: 'out' },
  ...OUTPUT_SPECS,
]

export interface ModelSettings {
  archs: ArchSpec[]
  epochs: number
  batchSize: number
  lr: number
  scalerMode: ScalerMode
}

const FEATURES = CANONICAL_FEATURES.length

/** --model-arch (comma list) and --hidden → architectures for the canonical six features. */
export function readArchs(flags: Flags, allowList: boolean): ArchSpec[] {
  const hidden = flags.ints('hidden')
  const given = flags.string('model-arch')
  const names = (given ?? (hidden ? 'custom' : 'mlp_small')).split(',').map((s) => s.trim()).filter(Boolean)
  if (!names.length) throw new CliUsageError('--model-arch is empty')
  if (!allowList && names.length > 1) throw new CliUsageError(`--model-arch takes one architecture here; got ${names.join(', ')}`)
  if (new Set(names).size !== names.length) throw new CliUsageError(`--model-arch repeats an architecture: ${names.join(', ')}`)
  if (hidden && !names.includes('custom'))
    throw new CliUsageError(`--hidden goes with --model-arch custom (named architectures have fixed widths); got --model-arch ${given}`)
  return names.map((n) => {
    if (n !== 'custom' && !isNamedArch(n))
      throw new CliUsageError(`unknown --model-arch "${n}" (${[...Object.keys(NAMED_ARCHS), 'custom'].join(', ')})`)
    return archSpec(n, FEATURES, n === 'custom' ? hidden : undefined)
  })
}

export function readModelSettings(flags: Flags, allowArchList: boolean): ModelSettings {
  return {
    archs: readArchs(flags, allowArchList),
    epochs: flags.int('epochs', 30, 1, 100_000),
    batchSize: flags.int('batch-size', 256, 1, 65_536),
    lr: flags.number('lr', 1e-3, 0, 10),
    scalerMode: flags.choice<ScalerMode>('scaler', ['standard', 'raw'], 'standard'),
  }
}

export interface RunSettings {
  device: Device
  /** true when --device was not given (auto, the default; its sentence says so) */
  deviceDefaulted: boolean
  outDir: string
  json: boolean
  quiet: boolean
}

export function readRunSettings(flags: Flags): RunSettings {
  const outDir = flags.string('out-dir') ?? 'out'
  if (!outDir.trim()) throw new CliUsageError('--out-dir is empty')
  const device = flags.choice<Device>('device', DEVICES, 'auto')
  return { device, deviceDefaulted: !flags.has('device'), outDir, json: flags.bool('json'), quiet: flags.bool('quiet') }
}

/** train's --val-mode: the reference trainer's five splits plus none (every row trains, no metrics) */
export const VAL_MODES: readonly TrainSplitMode[] = TRAIN_SPLIT_MODES
