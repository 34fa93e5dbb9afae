import { defineConfig } from '@playwright/test'
import { chromiumArgs, chromiumPath } from './src/node/chromium.ts'

// E2E_PORT lets several people run the suite at once on one machine: each port gets its own
// build folder so concurrent builds do not overwrite each other.
const port = Number(process.env.E2E_PORT ?? 4173)
const outDir = port === 4173 ? 'dist' : `dist-e2e-${port}`

export default defineConfig({
  testDir: 'e2e',
  workers: 1,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  outputDir: `test-results/${port}`,
  use: {
    baseURL: `http://localhost:${port}`,
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: chromiumPath(), args: chromiumArgs() },
    // the app's offline service worker would answer requests before page.route() sees them; the
    // offline test (e2e/demo.spec.ts) allows it for itself
    serviceWorkers: 'block',
  },
  webServer: {
    command: `npx vite build --logLevel warn --outDir ${outDir} && npx vite preview --outDir ${outDir} --port ${port} --strictPort`,
    url: `http://localhost:${port}`,
    reuseExistingServer: false,
    timeout: 180_000,
  },
})
