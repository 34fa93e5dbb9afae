// Playwright's `test` for the app's specs: an uncaught error in the page fails the test that caused
// it (printed with its stack when it happens), instead of scrolling past in the log. Pages a spec
// opens itself (browser.newPage) are not watched.
import { expect, test as base } from '@playwright/test'

export const test = base.extend<{ pageErrors: string[] }>({
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = []
      page.on('pageerror', (e) => {
        console.log(`[page error] ${e.stack ?? e.message}`)
        errors.push(e.message)
      })
      await use(errors)
      expect(errors, 'uncaught errors in the page').toEqual([])
    },
    { auto: true },
  ],
})

export { expect }
