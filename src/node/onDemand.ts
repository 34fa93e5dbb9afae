// The heavy packages of the Node side, loaded on first use instead of at start-up: Playwright
// (Chromium for the GPU path and the adapter probe), Vite (the page build and its preview server)
// and onnxruntime-node (evaluation). A command that needs none of them (train --device cpu) then
// starts without their memory.
// They are loaded with require (Node loads ES modules that way too) rather than import(): the
// entries that scripts/run-ts.mjs runs through Vite's module runner close the runner once loaded,
// and a later import() would go to the closed runner; require never does, bundled or not.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

export const playwright = () => require('@playwright/test') as typeof import('@playwright/test')
export const vite = () => require('vite') as typeof import('vite')
export const onnxruntimeNode = () => require('onnxruntime-node') as typeof import('onnxruntime-node')
