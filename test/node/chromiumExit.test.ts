// What a crashing GPU process does to a run and to headless Chromium, on the real browser
// (SwiftShader is enough; fails without Chromium): the GPU process is killed (SIGKILL) from here.
//  1. once, while 36 mlp_large models train: the run ends 'device-lost' for every job, the
//     browser lives on, and its log says one crash;
//  2. again and again: Chromium quits by itself ("GPU process isn't usable. Goodbye."), the page
//     call fails with Playwright's "Target page, context or browser has been closed" (what the
//     first bench:archs run got), and exitCause names the crashes — as many as were made — and
//     the fatal line.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { benchJobs, fixtureData } from '../../bench/cpuPaths.ts'
import { descendants } from '../../bench/procTree.ts'
import type { EngineTrainReply, EngineTrainRequest } from '../../src/pageApi/engine.ts'
import { openPageApi, type PageApiSession } from '../../src/node/browser.ts'

let session: PageApiSession
type Lab = { lab: { engineInfo(o: object): Promise<{ ok: boolean }>; engineTrain(q: EngineTrainRequest): Promise<EngineTrainReply>; engineLiveMemory(): { bytes: number } } }
// (page.evaluate serialises the function: it cannot call helpers from this module)

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function gpuProcess(): number | null {
  const pids = descendants(process.pid).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('--type=gpu-process')
    } catch {
      return false
    }
  })
  return pids.length === 1 ? pids[0] : null
}

/** Waits (up to 10 s) for a GPU process other than `old` and kills it; its pid, or null when none came. */
async function killGpuProcess(old: number | null = null): Promise<number | null> {
  for (let i = 0; i < 100; i++) {
    const pid = gpuProcess()
    if (pid !== null && pid !== old) {
      process.kill(pid, 'SIGKILL')
      return pid
    }
    if (!session.browser.isConnected()) return null
    await sleep(100)
  }
  return null
}

beforeAll(async () => {
  session = await openPageApi()
  expect((await session.page.evaluate(() => (window as unknown as Lab).lab.engineInfo({}))).ok).toBe(true)
}, 600_000)
afterAll(async () => {
  await session?.close()
})

test('one GPU process crash during a run: every job ends device-lost, the browser lives on', async () => {
  expect(session.exitCause()).toBeNull()
  const data = fixtureData(7000)
  const req: EngineTrainRequest = { data, jobs: benchJobs(data, 'mlp_large', { models: 36, epochs: 8 }), checkpoints: false }
  const run = session.page.evaluate((q) => (window as unknown as Lab).lab.engineTrain(q), req)
  // the run holds GPU buffers from its start to its end: kill once they are there
  while ((await session.page.evaluate(() => (window as unknown as Lab).lab.engineLiveMemory())).bytes === 0) await sleep(50)
  expect(await killGpuProcess()).not.toBeNull()
  const reply = await run
  expect(reply.results.map((r) => r.status)).toEqual(Array(36).fill('device-lost'))
  expect(reply.results[0].trainLoss.length).toBeLessThan(8)
  expect(session.browser.isConnected()).toBe(true)
  expect(session.exitCause()).toBe("Chromium's log: its GPU process crashed 1 time (exit_code=9)")
}, 300_000)

test('repeated GPU process crashes: Chromium quits, and exitCause says why', async () => {
  let kills = 1 // the one of the test above
  let last: number | null = null
  while (session.browser.isConnected() && kills < 20) {
    last = await killGpuProcess(last)
    if (last === null) break
    kills++
    await sleep(300)
  }
  for (let i = 0; i < 50 && session.browser.isConnected(); i++) await sleep(100)
  expect(session.browser.isConnected()).toBe(false)
  await expect(session.page.evaluate(() => (window as unknown as Lab).lab.engineInfo({}))).rejects.toThrow(/Target page, context or browser has been closed/)
  // the source line of Chromium's message moves from release to release
  expect(session.exitCause()).toMatch(
    new RegExp(`^Chromium's log: its GPU process crashed ${kills} times \\(exit_code=9\\); Chromium then quit: GPU process isn't usable\\. Goodbye\\. \\(content/browser/gpu/gpu_data_manager_impl_private\\.cc:\\d+\\)$`),
  )
}, 300_000)
