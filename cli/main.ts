// vmaf-tiny-lab's command line: parses flags, reads and writes files, and calls the shared modules
// (data, splits, engine, export, metrics, study); nothing here re-implements them.
// Run through cli/vmaf-tiny-lab.mjs (the package's bin), which loads this file with Vite's module
// runner (scripts/run-ts.mjs). stdout carries only results; everything else goes to stderr.
import { CliUsageError, Flags, helpText, parseFlags, type CommandHelp } from './args.ts'
import { CROSSCHECK_HELP, crosscheckCommand } from './commands/crosscheck.ts'
import { EVAL_HELP, evalCommand } from './commands/eval.ts'
import { LOSO_HELP, losoCommand } from './commands/loso.ts'
import { QUANTIZE_HELP, quantizeCommand } from './commands/quantize.ts'
import { STUDY_HELP, studyCommand } from './commands/study.ts'
import { SWEEP_HELP, sweepCommand } from './commands/sweep.ts'
import { TRAIN_HELP, trainCommand } from './commands/train.ts'
import { EXIT, exitCode, oneLine } from './errors.ts'
import { Progress } from './progress.ts'

const PROG = 'vmaf-tiny-lab'

type Command = (flags: Flags, progress: Progress, signal: AbortSignal) => Promise<number>

const COMMANDS: Record<string, { help: CommandHelp; run: Command }> = {
  train: { help: TRAIN_HELP, run: trainCommand },
  loso: { help: LOSO_HELP, run: losoCommand },
  study: { help: STUDY_HELP, run: studyCommand },
  sweep: { help: SWEEP_HELP, run: sweepCommand },
  eval: { help: EVAL_HELP, run: evalCommand },
  quantize: { help: QUANTIZE_HELP, run: quantizeCommand },
  crosscheck: { help: CROSSCHECK_HELP, run: crosscheckCommand },
}

function overview(): string {
  return [
    `Usage: ${PROG} <command> [options]`,
    '',
    'Train, study and evaluate tiny VMAF MLPs headless, with the same code as the vmaf-tiny-lab app.',
    '',
    'Commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.help.name.padEnd(11)}${c.help.summary}`),
    '',
    `Run "${PROG} <command> --help" for its options.`,
    'Exit codes: 0 ok, 1 bad input file/model or a failed run, 2 bad flags, 3 no GPU for --device gpu, 130 interrupted.',
    '',
  ].join('\n')
}

export default async function main(argv: string[]): Promise<number> {
  // results own stdout: anything a library logs goes to stderr
  console.log = console.info = console.debug = (...a: unknown[]) => console.error(...a)
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(overview())
    return name ? EXIT.ok : EXIT.usage
  }
  const cmd = COMMANDS[name]
  if (!cmd) {
    process.stderr.write(`${PROG}: error: unknown command "${name}" (train, loso, study, sweep, eval, quantize or crosscheck; see ${PROG} --help)
`)
    return EXIT.usage
  }

  const ctl = new AbortController()
  let interrupts = 0
  const onSignal = () => {
    if (++interrupts > 1) process.exit(EXIT.interrupted)
    process.stderr.write(`\n${PROG}: interrupting (again to quit at once)…\n`)
    ctl.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  let progress: Progress | null = null
  try {
    const parsed = parseFlags(rest, cmd.help.specs)
    if (parsed.help) {
      process.stdout.write(helpText(PROG, cmd.help))
      return EXIT.ok
    }
    const flags = new Flags(parsed)
    progress = new Progress({ quiet: flags.bool('quiet') })
    return await cmd.run(flags, progress, ctl.signal)
  } catch (e) {
    progress?.end()
    const hint = e instanceof CliUsageError ? ` (see ${PROG} ${name} --help)` : ''
    process.stderr.write(`${PROG} ${name}: error: ${oneLine(e)}${hint}\n`)
    if (process.env.VMAF_TINY_LAB_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`)
    return exitCode(e)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
