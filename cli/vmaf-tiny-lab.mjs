#!/usr/bin/env node
// The package's bin (`npx vmaf-tiny-lab …`): loads cli/main.ts through Vite's module runner
// (scripts/run-ts.mjs; Node 20 cannot strip types) and exits with its code once it is done, so
// nothing left open by a library (browser pipes, ORT threads) keeps the process alive.
import { runTs } from '../scripts/run-ts.mjs'

try {
  const code = await runTs('cli/main.ts', process.argv.slice(2))
  process.exit(typeof code === 'number' ? code : 0)
} catch (e) {
  process.stderr.write(`vmaf-tiny-lab: error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`)
  process.exit(1)
}
