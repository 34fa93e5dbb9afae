// Runs a Node-side TypeScript entry (bench/*.ts, cli/main.ts) through Vite's module runner:
// Node 20 cannot strip types itself, and this keeps one source of truth with no build step.
// The entry's default export is called with the remaining command-line arguments; its return
// value (a number) becomes the exit code.
// runnerImport closes its module runner once the entry has loaded, so the entry's modules must
// import each other statically: a later dynamic import() of a .ts file would fail.
import { resolve } from 'node:path'
import { runnerImport } from 'vite'
import { ROOT } from './setup.mjs'

export async function runTs(entry, argv) {
  const { module } = await runnerImport(resolve(ROOT, entry), {
    root: ROOT,
    configFile: false,
    logLevel: 'silent',
  })
  if (typeof module.default !== 'function') throw new Error(`${entry} has no default export to run`)
  return module.default(argv)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [entry, ...argv] = process.argv.slice(2)
  const code = await runTs(entry, argv)
  process.exitCode = typeof code === 'number' ? code : 0
}
