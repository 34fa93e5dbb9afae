// Runs one entry of the Node bundle (scripts/nodeBundle.mjs: cli, scaleRun) with the remaining
// command-line arguments, as scripts/run-ts.mjs runs a TypeScript entry, but as plain JavaScript
// with no Vite in the process: the entry's default export is called with the arguments and its
// return value (a number) becomes the exit code.
//   node scripts/run-bundled.mjs scaleRun FILE cpu
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ENTRIES, nodeBundle } from './nodeBundle.mjs'

export async function runBundled(name, argv) {
  if (!(name in ENTRIES)) throw new Error(`the Node bundle has no entry "${name}" (it has ${Object.keys(ENTRIES).join(', ')})`)
  const dir = await nodeBundle((msg) => process.stderr.write(`${msg}\n`))
  const { default: main } = await import(pathToFileURL(join(dir, `${name}.mjs`)).href)
  if (typeof main !== 'function') throw new Error(`${ENTRIES[name]} has no default export to run`)
  return main(argv)
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [name, ...argv] = process.argv.slice(2)
  const code = await runBundled(name, argv)
  process.exitCode = typeof code === 'number' ? code : 0
}
