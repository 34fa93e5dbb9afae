// A shareable URL for a study: the data URLs and every setting in the query string
// (?tab=study&data=URL,URL&arch=mlp_small&epochs=30&batch=256&lr=0.001&seeds=5&scaler=standard
//  &split=loso&arms=abc). The app reads it back on load; files dropped from disk have no URL and
// cannot be shared (shareUrl says which were left out).
import { isSplitMode, type SplitMode } from '../data/splits.ts'
import { ARMS, type Arm, type StudySettings } from './types.ts'

export interface ShareState {
  dataUrls: string[]
  settings: StudySettings
  split: SplitMode
}

export interface ParsedShare {
  dataUrls: string[]
  settings: Partial<StudySettings>
  split: SplitMode | null
  /** parameters that were present but not understood, in plain words */
  errors: string[]
}

const KEYS = ['data', 'arch', 'hidden', 'features', 'epochs', 'batch', 'lr', 'seeds', 'seed', 'scaler', 'split', 'arms'] as const

/** The study's URL on top of `base` (the app's address); other query parameters are dropped. */
export function shareUrl(base: string | URL, state: ShareState): string {
  const url = new URL(base)
  url.search = ''
  url.hash = ''
  const q = url.searchParams
  q.set('tab', 'study')
  // one comma-separated `data` parameter: the form the data panel reads on start (?data=URL,URL)
  if (state.dataUrls.length) q.set('data', state.dataUrls.join(','))
  const s = state.settings
  q.set('arch', s.arch)
  if (s.arch === 'custom' && s.hidden?.length) q.set('hidden', s.hidden.join(','))
  if (s.features?.length) q.set('features', s.features.join(','))
  q.set('epochs', String(s.epochs))
  q.set('batch', String(s.batchSize))
  q.set('lr', String(s.lr))
  q.set('seeds', String(s.seeds))
  if (s.firstSeed) q.set('seed', String(s.firstSeed))
  q.set('scaler', s.scalerMode)
  q.set('split', state.split)
  q.set('arms', s.arms.join(''))
  return url.href
}

/** Settings from a URL; null when it carries none of the study's parameters. */
export function readShare(href: string | URL): ParsedShare | null {
  const q = new URL(href).searchParams
  if (!KEYS.some((k) => q.has(k))) return null
  const errors: string[] = []
  const settings: Partial<StudySettings> = {}
  const num = (key: string, check: (v: number) => boolean, want: string): number | undefined => {
    const raw = q.get(key)
    if (raw === null) return undefined
    const v = Number(raw)
    if (raw.trim() === '' || !check(v)) {
      errors.push(`${key}=${raw}: expected ${want}`)
      return undefined
    }
    return v
  }
  const int = (v: number) => Number.isInteger(v) && v >= 1
  const arch = q.get('arch')
  if (arch) settings.arch = arch
  const hidden = q.get('hidden')
  if (hidden) {
    const widths = hidden.split(',').map(Number)
    if (widths.every(int)) settings.hidden = widths
    else errors.push(`hidden=${hidden}: expected widths like 64,32`)
  }
  const features = q.get('features')
  if (features) settings.features = features.split(',').filter(Boolean)
  const epochs = num('epochs', int, 'a whole number ≥ 1')
  if (epochs !== undefined) settings.epochs = epochs
  const batch = num('batch', int, 'a whole number ≥ 1')
  if (batch !== undefined) settings.batchSize = batch
  const lr = num('lr', (v) => v > 0 && Number.isFinite(v), 'a positive number')
  if (lr !== undefined) settings.lr = lr
  const seeds = num('seeds', int, 'a whole number ≥ 1')
  if (seeds !== undefined) settings.seeds = seeds
  const firstSeed = num('seed', (v) => Number.isInteger(v) && v >= 0, 'a whole number ≥ 0')
  if (firstSeed !== undefined) settings.firstSeed = firstSeed
  const scaler = q.get('scaler')
  if (scaler === 'standard' || scaler === 'raw') settings.scalerMode = scaler
  else if (scaler !== null) errors.push(`scaler=${scaler}: expected standard or raw`)
  const arms = q.get('arms')
  if (arms !== null) {
    const list = [...arms] as Arm[]
    if (list.length && list.every((a) => ARMS.includes(a))) settings.arms = ARMS.filter((a) => list.includes(a))
    else errors.push(`arms=${arms}: expected letters from abc`)
  }
  const split = q.get('split')
  let mode: SplitMode | null = null
  if (split !== null) {
    if (isSplitMode(split)) mode = split
    else errors.push(`split=${split}: unknown split mode`)
  }
  const dataUrls = q.getAll('data').flatMap((d) => d.split(',')).map((d) => d.trim()).filter(Boolean)
  return { dataUrls, settings, split: mode, errors }
}
