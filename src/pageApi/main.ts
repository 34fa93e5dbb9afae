// Entry of pageApi.html: exposes the engine and friends to Playwright (tests, benchmarks, CLI)
// as window.lab. Each area contributes its own module; this file only gathers them.
import * as engine from './engine.ts'
import * as ingest from './ingest.ts'
import * as evaluation from './evaluation.ts'
import * as study from './study.ts'
import * as cli from './cli.ts'

declare global {
  interface Window {
    lab: Record<string, unknown> & { ready: boolean }
  }
}

window.lab = { ...engine, ...ingest, ...evaluation, ...study, ...cli, ready: true }
