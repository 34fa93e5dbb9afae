// Which EP runs a request in the browser.
import { describe, expect, it } from 'vitest'
import { chooseWebEp, TINY_MODEL_PARAMS } from '../../src/onnx/epPolicy.ts'

describe('chooseWebEp', () => {
  it('auto: wasm for tiny models, webgpu for larger ones when there is an adapter', () => {
    expect(chooseWebEp('auto', 270, true)).toMatchObject({ providers: ['wasm'], label: 'wasm', reason: 'auto: a tiny model runs faster on wasm than on webgpu' })
    expect(chooseWebEp('auto', TINY_MODEL_PARAMS + 1, true)).toMatchObject({ providers: ['webgpu'], label: 'webgpu' })
    expect(chooseWebEp('auto', TINY_MODEL_PARAMS + 1, false)).toMatchObject({ providers: ['wasm'], reason: 'auto: no WebGPU adapter, wasm' })
  })
  it('an explicit choice is kept, and says so when WebGPU is missing', () => {
    // the page shows "ran on <label> (<reason>)": the reason must not repeat the label
    expect(chooseWebEp('webgpu', 270, true)).toMatchObject({ label: 'webgpu', reason: 'chosen in the menu' })
    expect(chooseWebEp('wasm', 1e9, true)).toMatchObject({ label: 'wasm', reason: 'chosen in the menu' })
    expect(chooseWebEp('webgpu', 270, false)).toMatchObject({ label: 'wasm', reason: expect.stringMatching(/WebGPU was chosen, but this browser has no WebGPU adapter/) })
  })
})
