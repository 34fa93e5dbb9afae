import { defineConfig } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { resolve } from 'node:path'
import { offlineCache } from './vite.offline.ts'

// Cross-origin isolation lets onnxruntime-web use threads; a production host must send the same two headers.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
}

export default defineConfig({
  // the service worker caches the build and the demo corpus (README files of public/ are not needed offline)
  plugins: [svelte(), offlineCache({ publicDir: resolve(import.meta.dirname, 'public'), pages: ['index.html'], skip: /\.md$/ })],
  worker: { format: 'es' }, // ort threads inside workers need ES workers
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  server: { headers: isolation },
  preview: { headers: isolation },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2048,
    rollupOptions: {
      input: {
        // the app
        main: resolve(import.meta.dirname, 'index.html'),
        // a bare page exposing the engine, used by tests, benchmarks and the CLI through headless Chromium
        pageApi: resolve(import.meta.dirname, 'pageApi.html'),
      },
    },
  },
})
