// An experiment arm's final model in the app (headless Chromium, ?trainer=cpu): after the cross
// preset runs, "Train on every row" trains the picked arm's recipe on every row its corpus holds
// (as scheduleFinalModel schedules it in Node: the same rows and epochs), and the model lands in
// the registry saying no rows were held out.
import { expect, test } from './appTest.ts'
import { presetDesign } from '../src/experiment/presets.ts'
import { scheduleFinalModel } from '../src/experiment/schedule.ts'
import { loadDemo } from '../test/helpers/demoTable.ts'

const ARM = 'konvid_to_nflx'

test("an arm's final model: its recipe on every row, into the registry with no rows held out", async ({ page }) => {
  test.setTimeout(300_000)
  const expected = scheduleFinalModel(await loadDemo(), presetDesign('cross', { seeds: 1 }), ARM).spec
  await page.goto('/?tab=experiments&trainer=cpu')
  await page.getByTestId('preset-cross').click()
  const panel = page.getByTestId('experiments-panel')
  await page.getByTestId('experiments-run').click()
  await expect(panel).toHaveAttribute('data-status', 'done', { timeout: 240_000 })

  await page.getByTestId('arm-final-arm').selectOption(ARM)
  await page.getByTestId('arm-final-train').click()
  const status = page.getByTestId('arm-final-status')
  await expect(status).toHaveAttribute('data-status', 'done', { timeout: 120_000 })
  const n = expected.rows.trainRows.length
  await expect(status).toContainText(`${ARM}'s recipe on all ${n.toLocaleString('en-US')} rows (none held out)`)
  const id = await status.getAttribute('data-model-id')
  expect(id).toMatch(new RegExp(`^${expected.id}`))

  await page.locator('[data-tab=eval]').click()
  const card = page.locator(`[data-testid="model-item"][data-model-id="${id}"]`)
  await expect(card).toHaveCount(1)
  await expect(card.getByTestId('card-split')).toHaveText('no rows held out')
  await expect(card.getByTestId('card-epochs')).toContainText(`${expected.epochs} epochs`)
})
