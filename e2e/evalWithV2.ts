// Shared set-up of the Evaluate-tab specs that start from the published vmaf_tiny_v2: the demo
// corpus loaded, the model list restored, then v2 and its sidecar added through the file input.
import { expect, type Page } from '@playwright/test'
import { sharedPath } from '../test/helpers/shared.ts'

export const upstream = (f: string) => sharedPath('upstream-models', f)

export async function openEvalWithV2(page: Page): Promise<void> {
  await page.goto('/?tab=data')
  await page.getByTestId('load-demo').click()
  await page.locator('[data-tab=eval]').click()
  await expect(page.getByTestId('model-list')).toHaveAttribute('data-restored', 'true')
  await page.getByTestId('model-file-input').setInputFiles([upstream('vmaf_tiny_v2.onnx'), upstream('vmaf_tiny_v2.json')])
}
