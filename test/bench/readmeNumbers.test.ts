// Every number the READMEs quote from a benchmark is the number its result file holds
// (bench/readmeNumbers.ts; `npm run bench:readme` rewrites them).
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatNumber, README_FILES, readmeMarks, resultReader, rewriteReadme, valueAt } from '../../bench/readmeNumbers.ts'
import { REPO } from '../helpers/shared.ts'

describe('README numbers', () => {
  it('every marked number equals its result file, and the main README and the engine README mark their numbers', () => {
    const read = resultReader(REPO)
    const counts: Record<string, number> = {}
    for (const name of README_FILES) {
      let text: string
      try {
        text = readFileSync(resolve(REPO, name), 'utf8')
      } catch {
        continue
      }
      const marks = readmeMarks(text, read, name)
      counts[name] = marks.length
      for (const m of marks) expect(m.text, `${name}: ${m.file} ${m.path}`).toBe(m.expected)
    }
    expect(counts['README.md']).toBeGreaterThan(20)
    expect(counts['src/engine/README.md']).toBeGreaterThan(20)
  })

  it('a number that drifted from its file is found and rewritten', () => {
    const files: Record<string, unknown> = { 'x.json': { a: { rate: 6_580_000, torch: 686_000 }, rss: { peak: 1_500_000_000, before: 250_000_000, features: 280_000_000 } } }
    const read = (n: string) => files[n]
    const text = 'WASM <!--n x.json a.rate M-->6.30 M<!--/n--> = <!--n x.json a.rate/a.torch x2-->9.59×<!--/n-->; peak <!--n x.json (rss.peak−rss.before)/rss.features x2-->4.46×<!--/n-->'
    const marks = readmeMarks(text, read, 'R.md')
    expect(marks.map((m) => [m.text, m.expected])).toEqual([['6.30 M', '6.58 M'], ['9.59×', '9.59×'], ['4.46×', '4.46×']])
    expect(rewriteReadme(text, read, 'R.md')).toContain('-->6.58 M<!--/n-->')
    expect(() => readmeMarks('<!--n x.json a.nope M-->1<!--/n-->', read, 'R.md')).toThrow(/R\.md: bench\/results\/x\.json: no "a\.nope"/)
  })

  it('formats and expressions', () => {
    expect(formatNumber(686_000, 'rate')).toBe('686 k')
    expect(formatNumber(14174, 'ms_s1')).toBe('14.2 s')
    expect(formatNumber(30_125_223, 'M1')).toBe('30.1 M')
    expect(valueAt({ a: { 'cli-load': { x: 6 } }, b: 2 }, '(a.cli-load.x−b)/b*3', 'f')).toBe(6)
  })
})
