#!/usr/bin/env node
// The package's bin (`npx vmaf-tiny-lab …`): runs cli/main.ts from the Node bundle
// (scripts/run-bundled.mjs: plain JavaScript, rebuilt in about a second after a source change;
// Node 20 cannot strip types) and exits with its code once it is done, so nothing left open by a
// library (browser pipes, ORT threads) keeps the process alive.
import { runBundled } from '../scripts/run-bundled.mjs'

try {
  const code = await runBundled('cli', process.argv.slice(2))
  process.exit(typeof code === 'number' ? code : 0)
} catch (e) {
  process.stderr.write(`vmaf-tiny-lab: error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`)
  process.exit(1)
}
