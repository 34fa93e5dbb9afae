// What leaves the Experiments tab: the report (.json, .md), the models (one zip), the registry
// export (a zip of <id>.onnx + <id>.json + registry.json), and the share link — the whole design,
// deflated and checked (src/experiment/shareLink.ts), copied rather than written into the address
// bar. Opening a link restores its design; a damaged one gets a message instead.
import { modelsZip, registryZip } from '../experiment/bundle.ts'
import { DEMO_FILES } from '../experiment/demo.ts'
import { checkDesign, DesignError } from '../experiment/design.ts'
import { conductedReportJson, experimentReportMarkdown, type ExperimentReportJson } from '../experiment/report.ts'
import { designUrl, readDesignUrl } from '../experiment/shareLink.ts'
import { data } from './data.svelte.ts'
import { experiments } from './experiments.svelte.ts'
import { notices } from './notices.svelte.ts'

export function reportJson(): ExperimentReportJson | null {
  const res = experiments.result
  return res ? conductedReportJson(res, data.table?.files ?? []) : null
}

export function reportJsonText(): string | null {
  const j = reportJson()
  return j ? JSON.stringify(j, null, 2) + '\n' : null
}

export function reportMarkdownText(): string | null {
  const j = reportJson()
  return j ? experimentReportMarkdown(j) : null
}

export function modelsZipBytes(): Uint8Array | null {
  const j = reportJson()
  return j && experiments.result ? modelsZip(experiments.result.runs, j) : null
}

/** The registry zip, or null with a notice when there is nothing the registry can take. */
export function registryZipBytes(): Uint8Array | null {
  const res = experiments.result
  if (!res || res.runs.length === 0) return null
  try {
    return registryZip(res.runs)
  } catch (e) {
    notices.say('experiments', { level: 'error', subject: 'Export for registry', text: e instanceof Error ? e.message : String(e) })
    return null
  }
}

/**
 * Data URLs of the loaded files: files loaded from a URL keep it as their name (a dropped file's
 * name never contains a slash), so names with a slash are the shareable ones.
 */
export function sharableData(): { urls: string[]; local: string[] } {
  const files = data.contents?.files ?? []
  const urls = files.map((f) => f.name).filter((n) => n.includes('/'))
  return { urls: urls.length || files.length ? urls : [...DEMO_FILES], local: files.map((f) => f.name).filter((n) => !n.includes('/')) }
}

/** The link that opens this tab with the design being edited (and the loaded data URLs). */
export function shareLink(): string {
  return designUrl(location.href, { design: experiments.design, dataUrls: sharableData().urls })
}

/** On start: a design in the page address replaces the preset; a damaged one is reported. */
export function applyLinkFromPage(): void {
  const shared = readDesignUrl(location.href)
  if (!shared) return
  const keep = 'the designer keeps the foxbird preset'
  if (shared.error) {
    notices.say('experiments', { level: 'error', subject: 'share link', text: `${shared.error}; ${keep}` })
    return
  }
  try {
    experiments.setDesign(checkDesign(shared.design, 'the shared design'))
  } catch (e) {
    if (!(e instanceof DesignError)) throw e
    notices.say('experiments', { level: 'error', subject: 'share link', text: `${e.message}; ${keep}` })
  }
}
