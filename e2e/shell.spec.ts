import { expect, test } from './appTest.ts'

test('the app shell loads, is cross-origin isolated and sees a WebGPU adapter', async ({ page }) => {
  await page.goto('/')
  await expect(page.getByRole('heading', { name: 'vmaf-tiny-lab' })).toBeVisible()
  const env = await page.evaluate(async () => {
    const adapter = await navigator.gpu?.requestAdapter()
    return { isolated: crossOriginIsolated, adapter: adapter ? adapter.info.architecture : null }
  })
  expect(env.isolated).toBe(true)
  expect(env.adapter).not.toBeNull()
})
