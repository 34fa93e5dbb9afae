// The FoxBird study's state for the Study panel (main thread). The math and the orchestration
// live in src/study (runStudy); this module wires it to the app's pieces — the loaded table
// (data.svelte.ts), the train worker (GPU engine, CPU fallback) and the evaluation worker — and
// keeps what the panel shows: the plan, the runs as they finish, live loss curves, progress + ETA.
import { data } from './data.svelte.ts'
import { DEMO_FILES } from '../experiment/demo.ts'
import { notices } from './notices.svelte.ts'
import { webEvaluator } from '../../workers/evalClient.ts'
import { trainWorker, type TrainLease } from './trainWorker.svelte.ts'
import type { Trainer, TrainData, TrainJob, TrainOptions, TrainResult } from '../model/contract.ts'
import { plannedArms, studyAvailability, studySeeds } from '../study/plan.ts'
import { runStudy } from '../study/run.ts'
import { studyReportJson, studyReportMarkdown } from '../study/report.ts'
import { readShare, shareUrl } from '../study/share.ts'
import { summarizeStudy } from '../study/stats.ts'
import { studyExperimentSummary } from '../study/experimentSummary.ts'
import type { ExperimentSummary } from '../experiment/summary.ts'
import { studyZip } from '../study/zip.ts'
import {
  ARMS,
  DEFAULT_STUDY_SETTINGS,
  type Arm,
  type FailedRun,
  type FoldRun,
  type StudyPlan,
  type StudyResult,
  type StudySettings,
  type StudySummary,
} from '../study/types.ts'

export type StudyStatus = 'idle' | 'loading-data' | 'running' | 'done' | 'cancelled' | 'error'

export interface StudyProgress {
  doneSamples: number
  totalSamples: number
  elapsedMs: number
  etaMs: number | null
}

// ---- the trainer: the app's train worker (shared with the Train tab) behind the Trainer contract --

/** The worker as a Trainer (what runStudy takes); its description is known after prepare(). Trains
 *  through the study's lease on the worker, so it never runs into (or cancels) the Train tab's run. */
class WorkerTrainer implements Trainer {
  kind: Trainer['kind'] = 'webgpu'
  description = 'train worker'
  notice: string | null = null

  constructor(private readonly lease: TrainLease) {}

  /** Pick the trainer and compile its pipelines (the worker keeps them, also for the Train tab). */
  async prepare(): Promise<void> {
    const info = await trainWorker.prepare()
    this.kind = info.kind
    this.description = info.description
    this.notice = info.notice
  }

  async train(d: TrainData, jobs: TrainJob[], opts: TrainOptions = {}): Promise<TrainResult[]> {
    const onAbort = () => this.lease.cancel()
    opts.signal?.addEventListener('abort', onAbort)
    try {
      const { results } = await this.lease.train(d, jobs, opts.onEpoch ?? (() => {}), opts.resume)
      return results
    } finally {
      opts.signal?.removeEventListener('abort', onAbort)
    }
  }

  dispose(): void {}
}

// ---- state ------------------------------------------------------------------------------------

class StudyState {
  settings = $state<StudySettings>({ ...DEFAULT_STUDY_SETTINGS, arms: [...DEFAULT_STUDY_SETTINGS.arms] })
  status = $state<StudyStatus>('idle')
  phase = $state('')
  error = $state<string | null>(null)
  notice = $state<string | null>(null)
  device = $state('')
  plan = $state.raw<StudyPlan | null>(null)
  runs = $state.raw<FoldRun[]>([])
  failed = $state.raw<FailedRun[]>([])
  result = $state.raw<StudyResult | null>(null)
  progress = $state<StudyProgress>({ doneSamples: 0, totalSamples: 0, elapsedMs: 0, etaMs: null })
  /** bumped (a few times a second at most) when the loss curves change */
  curvesVersion = $state(0)
  /** fold whose scatter plots are shown */
  selectedFold = $state<string | null>(null)
  /** settings problems found in the page address */
  shareErrors = $state<string[]>([])

  summary: StudySummary | null = $derived(
    this.plan ? summarizeStudy(this.plan.folds, plannedArms(this.plan), studySeeds(this.plan.settings), this.runs) : null,
  )
  /** the generic statistics: CIs, paired Δs with bootstrap CIs and sign-flip p, convergence */
  experiment: ExperimentSummary | null = $derived(
    this.plan && data.table ? studyExperimentSummary(this.plan, this.runs, data.table.target()) : null,
  )
}

export const study = new StudyState()


/** Per run (plan order): train loss per epoch. Not reactive: charts redraw on curvesVersion. */
let losses: number[][] = []
let lastCurveBump = 0
let controller: AbortController | null = null

function bumpCurves(force = false): void {
  const now = performance.now()
  if (!force && now - lastCurveBump < 250) return
  lastCurveBump = now
  study.curvesVersion++
}

/** One arm's curves: per fold, the mean train loss over the seeds that reached each epoch. */
export function armCurves(arm: Arm): (number | null)[][] {
  const plan = study.plan
  if (!plan) return []
  return plan.folds.map((fold) => {
    const mine = plan.runs.map((r, i) => (r.arm === arm && r.fold === fold ? losses[i] : null)).filter((l): l is number[] => !!l)
    const n = Math.max(0, ...mine.map((l) => l.length))
    return Array.from({ length: n }, (_, e) => {
      let s = 0
      let k = 0
      for (const l of mine)
        if (e < l.length && Number.isFinite(l[e])) {
          s += l[e]
          k++
        }
      return k ? s / k : null
    })
  })
}

/** What the loaded data allows (for the panel's buttons and explanations). */
export function availability() {
  void data.contents
  return studyAvailability(data.table)
}

// ---- running ----------------------------------------------------------------------------------

/** One click: load the demo corpus when nothing is loaded, then run the study with the settings. */
export async function runFoxBird(): Promise<void> {
  if (study.status === 'running' || study.status === 'loading-data') return
  study.error = null
  // the study holds the shared train worker from the first click to the end (the Train tab waits)
  let lease: TrainLease
  try {
    lease = trainWorker.acquire('study')
  } catch (e) {
    study.status = 'error'
    study.error = e instanceof Error ? e.message : String(e)
    return
  }
  const t = new WorkerTrainer(lease)
  // compile the GPU pipelines while the data loads
  const ready = t.prepare()
  ready.catch(() => {})
  try {
    if (!data.table || data.table.rows === 0) {
      study.status = 'loading-data'
      study.phase = 'loading the demo corpus'
      const before = notices.mark()
      await data.loadDemo()
      if (!data.table || data.table.rows === 0) {
        const why = notices.of('data').filter((m) => m.id >= before && m.level === 'error').map((m) => `${m.subject}: ${m.text}`)
        throw new Error(`the demo corpus did not load${why.length ? `: ${why.join('; ')}` : ' (see the Data tab)'}`)
      }
    }
    if (data.loading) {
      study.status = 'loading-data'
      study.phase = 'waiting for the data to finish loading'
      while (data.loading) await new Promise((r) => setTimeout(r, 100))
    }
    study.phase = 'preparing the trainer'
    await ready
    await run(data.table!, t)
  } catch (e) {
    study.status = 'error'
    study.error = e instanceof Error ? e.message : String(e)
    study.phase = ''
  } finally {
    lease.release()
  }
}

async function run(table: NonNullable<typeof data.table>, trainer: WorkerTrainer): Promise<void> {
  const avail = studyAvailability(table)
  if (!avail.ok) throw new Error(avail.reason!)
  // arms the data cannot support are planned as disabled (their tables say why), not an error
  const settings: StudySettings = $state.snapshot(study.settings)

  study.status = 'running'
  study.runs = []
  study.failed = []
  study.result = null
  study.selectedFold = null
  study.progress = { doneSamples: 0, totalSamples: 0, elapsedMs: 0, etaMs: null }
  losses = []
  study.device = trainer.description
  study.notice = trainer.notice
  controller = new AbortController()

  const res = await runStudy(
    table,
    settings,
    { trainer, evaluator: webEvaluator },
    {
      signal: controller.signal,
      onEvent: (ev) => {
        switch (ev.type) {
          case 'plan':
            study.plan = ev.plan
            losses = ev.plan.runs.map(() => [])
            study.curvesVersion++
            break
          case 'phase':
            study.phase = ev.message
            break
          case 'epoch':
            losses[ev.run][ev.epoch - 1] = ev.trainLoss
            bumpCurves()
            break
          case 'fold':
            study.runs = [...study.runs, ev.run]
            break
          case 'progress':
            study.progress = { doneSamples: ev.doneSamples, totalSamples: ev.totalSamples, elapsedMs: ev.elapsedMs, etaMs: ev.etaMs }
            break
        }
      },
    },
  )
  controller = null
  bumpCurves(true)
  study.runs = res.runs
  study.failed = res.failed
  study.result = res
  study.status = res.cancelled ? 'cancelled' : 'done'
  study.phase = res.cancelled ? `cancelled: kept ${res.runs.length} of ${res.plan.runs.length} models` : `done in ${(res.wallMs / 1000).toFixed(1)} s`
}

/** Stop training; the folds that finished stay in the tables. */
export function cancelStudy(): void {
  controller?.abort()
}

// ---- exports ----------------------------------------------------------------------------------

export function reportJsonText(): string | null {
  return study.result ? JSON.stringify(studyReportJson(study.result), null, 2) + '\n' : null
}

export function reportMarkdownText(): string | null {
  return study.result ? studyReportMarkdown(studyReportJson(study.result)) : null
}

export function zipBytes(): Uint8Array | null {
  return study.result ? studyZip(study.result) : null
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

export function studyShareUrl(): string {
  return shareUrl(location.href, { dataUrls: sharableData().urls, settings: $state.snapshot(study.settings), split: 'loso' })
}

/** Read settings from the page address (?tab=study&arch=…); the data panel loads ?data=. */
export function applyShareFromPage(): void {
  const parsed = readShare(location.href)
  if (!parsed) return
  const s = parsed.settings
  Object.assign(study.settings, s)
  if (s.arms) study.settings.arms = ARMS.filter((a) => s.arms!.includes(a))
  study.shareErrors = parsed.errors
}
