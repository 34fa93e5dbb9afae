// How long the page's main thread goes without painting: the longest gap between animation frames,
// for the specs that check a large load never freezes the page.
import type { Page } from '@playwright/test'

type Watch = { maxGap: number; watching: boolean }

/** Start recording the longest gap between animation frames. */
export async function watchFrameGaps(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as Watch
    w.maxGap = 0
    w.watching = true
    let last = performance.now()
    const tick = (t: number) => {
      w.maxGap = Math.max(w.maxGap, t - last)
      last = t
      if (w.watching) requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  })
}

/** The longest gap so far (ms); `stop` ends the recording, else it starts over from 0. */
export function longestFrameGap(page: Page, opts: { stop?: boolean } = {}): Promise<number> {
  return page.evaluate((stop) => {
    const w = window as unknown as Watch
    const g = w.maxGap
    if (stop) w.watching = false
    else w.maxGap = 0
    return g
  }, opts.stop ?? false)
}
