// A K150K-class corpus in the real app (opt-in: minutes on this machine, so not part of npm test):
// the generated 10M-row file (bench/scaleCorpus.ts; written once, then reused) is dropped on the
// Data tab, and one epoch of mlp_small trains on the Train tab; the loss chart draws that epoch.
//   SCALE_ROWS=10000000 E2E_PORT=4307 npx playwright test e2e/scale.spec.ts --workers=1
// SCALE_ROWS picks the size (the corpus keeps ~250 frames per clip). Load and epoch times are
// printed; npm run bench:scale records them with the machine's load.
import { expect, test } from './appTest.ts'
import { SCALE_DEFAULTS, writeScaleCorpus } from '../bench/scaleCorpus.ts'

const ROWS = Number(process.env.SCALE_ROWS ?? 0)

test.skip(!ROWS, 'opt-in: set SCALE_ROWS (e.g. 10000000) to run the scale test')
test.setTimeout(1_800_000)

test(`a ${ROWS.toLocaleString('en-US')}-row corpus loads in the app and trains one epoch`, async ({ page }) => {
  const spec = { ...SCALE_DEFAULTS, rows: ROWS, keys: Math.max(1, Math.round((ROWS * SCALE_DEFAULTS.keys) / SCALE_DEFAULTS.rows)) }
  const { path } = await writeScaleCorpus(spec, { log: (s) => console.log(s) })

  await page.goto('/?tab=data&trainer=gpu') // the GPU engine's epoch (auto would pick the WebAssembly trainer on SwiftShader)
  const panel = page.getByTestId('data-panel')
  const t0 = Date.now()
  await page.setInputFiles('#file', path)
  await expect(panel).toHaveAttribute('data-status', 'ready', { timeout: 1_200_000 })
  const loadS = (Date.now() - t0) / 1000
  await expect(panel).toHaveAttribute('data-rows', String(ROWS))
  await expect(panel).toHaveAttribute('data-sources', String(spec.sources))
  console.log(`app load: ${ROWS.toLocaleString('en-US')} rows in ${loadS.toFixed(1)} s`)

  await page.locator('[data-tab=train]').click()
  await expect(page.getByTestId('train-data')).toHaveAttribute('data-rows', String(ROWS), { timeout: 120_000 })
  await page.locator('form [name=arch]').selectOption('mlp_small')
  await page.locator('form [name=epochs]').fill('1')
  const t1 = Date.now()
  await page.locator('[data-panel=train] form').getByRole('button', { name: 'Train' }).click()
  await expect(page.locator('.train')).toHaveAttribute('data-phase', 'done', { timeout: 1_200_000 })
  console.log(`app: Train click → done (split, transfer, upload, 1 epoch, export) in ${((Date.now() - t1) / 1000).toFixed(1)} s`)
  await expect(page.getByTestId('train-device')).toContainText('WebGPU')

  const [loss] = await page.getByTestId('model-row').evaluateAll((rows) => rows.map((r) => JSON.parse(r.getAttribute('data-train-loss') ?? '[]') as number[]))
  expect(loss).toHaveLength(1)
  expect(Number.isFinite(loss[0]) && loss[0] > 0).toBe(true)
  // the one epoch is drawn: train and validation points, painted in the first model's colour
  const chart = page.getByTestId('loss-chart')
  await expect(chart).toHaveAttribute('data-points', '2')
  const painted = await chart.locator('canvas').evaluate((c: HTMLCanvasElement) => {
    const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
    let n = 0
    for (let i = 0; i < px.length; i += 4) if (Math.abs(px[i] - 0x2f) < 24 && Math.abs(px[i + 1] - 0x6f) < 24 && Math.abs(px[i + 2] - 0xde) < 24 && px[i + 3] > 128) n++
    return n
  })
  expect(painted).toBeGreaterThan(20)
})
