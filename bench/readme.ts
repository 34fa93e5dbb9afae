// `npm run bench:readme`: rewrites every marked number in the READMEs from its result file
// (bench/readmeNumbers.ts); `-- --check` only reports the numbers that disagree and exits 1.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { ROOT } from '../src/node/repoRoot.ts'
import { README_FILES, readmeMarks, resultReader, rewriteReadme } from './readmeNumbers.ts'

export default async function main(argv: string[]): Promise<number> {
  const check = argv.includes('--check')
  const read = resultReader(ROOT)
  let bad = 0
  let count = 0
  for (const name of README_FILES) {
    const path = resolve(ROOT, name)
    if (!existsSync(path)) continue
    const text = readFileSync(path, 'utf8')
    const marks = readmeMarks(text, read, name)
    count += marks.length
    for (const m of marks.filter((x) => x.text !== x.expected)) {
      bad++
      process.stderr.write(`${name}: "${m.text}" but bench/results/${m.file} ${m.path} gives "${m.expected}"\n`)
    }
    if (!check) writeFileSync(path, rewriteReadme(text, read, name))
  }
  process.stderr.write(`${count} numbers from result files; ${bad} ${check ? 'disagree' : 'rewritten'}\n`)
  return check && bad ? 1 : 0
}
