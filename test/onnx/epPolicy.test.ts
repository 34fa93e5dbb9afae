// Which EP runs a request in the browser.
import { describe, expect, it } from 'vitest'
import { chooseWebEp, TINY_MODEL_PARAMS } from '../../src/onnx/epPolicy.ts'

const FP32 = ['Sub', 'Div', 'Gemm', 'Relu', 'Squeeze']
const QDQ = [...FP32, 'QuantizeLinear', 'DequantizeLinear']
const DYNAMIC_INT8 = ['DynamicQuantizeLinear', 'MatMulInteger', 'Cast', 'Mul', 'Add', 'Relu']
const tiny = (ops = FP32) => ({ params: 270, ops })

describe('chooseWebEp', () => {
  it('auto: wasm for tiny models, webgpu for larger ones when there is an adapter', () => {
    expect(chooseWebEp({ requested: 'auto', webgpu: true }, tiny())).toMatchObject({ providers: ['wasm'], label: 'wasm', reason: 'auto: a tiny model runs faster on wasm than on webgpu' })
    expect(chooseWebEp({ requested: 'auto', webgpu: true }, { params: TINY_MODEL_PARAMS + 1, ops: FP32 })).toMatchObject({ providers: ['webgpu'], label: 'webgpu' })
    expect(chooseWebEp({ requested: 'auto', webgpu: false }, { params: TINY_MODEL_PARAMS + 1, ops: FP32 })).toMatchObject({ providers: ['wasm'], reason: 'auto: no WebGPU adapter, wasm' })
  })
  it('an explicit choice is kept, and says so when WebGPU is missing', () => {
    // the page shows "ran on <label> (<reason>)": the reason must not repeat the label
    expect(chooseWebEp({ requested: 'webgpu', webgpu: true }, tiny())).toMatchObject({ label: 'webgpu', reason: 'chosen in the menu' })
    expect(chooseWebEp({ requested: 'wasm', webgpu: true }, { params: 1e9, ops: FP32 })).toMatchObject({ label: 'wasm', reason: 'chosen in the menu' })
    expect(chooseWebEp({ requested: 'webgpu', webgpu: false }, tiny())).toMatchObject({ label: 'wasm', reason: expect.stringMatching(/WebGPU was chosen, but this browser has no WebGPU adapter/) })
  })
  it('a static QDQ int8 model runs on wasm, even when WebGPU is chosen or the model is large, and says why', () => {
    for (const requested of ['auto', 'webgpu'] as const)
      for (const params of [270, TINY_MODEL_PARAMS + 1]) {
        const d = chooseWebEp({ requested, webgpu: true }, { params, ops: QDQ })
        expect(d.label, `${requested}, ${params} params`).toBe('wasm')
        expect(d.reason).toMatch(/static int8 \(QDQ\) model: onnxruntime-web's WebGPU EP was measured far off/)
      }
    expect(chooseWebEp({ requested: 'webgpu', webgpu: true }, tiny(QDQ)).reason).toMatch(/so not WebGPU although it was chosen/)
  })
  it('an exact request runs where it asks (the cross-check compares EPs); a dynamic int8 graph is not QDQ', () => {
    expect(chooseWebEp({ requested: 'webgpu', exact: true, webgpu: true }, tiny(QDQ))).toMatchObject({ label: 'webgpu' })
    expect(chooseWebEp({ requested: 'webgpu', exact: true, webgpu: false }, tiny(QDQ))).toMatchObject({ label: 'wasm' })
    expect(chooseWebEp({ requested: 'webgpu', webgpu: true }, tiny(DYNAMIC_INT8))).toMatchObject({ label: 'webgpu', reason: 'chosen in the menu' })
  })
})
