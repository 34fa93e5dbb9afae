// Model parameters in PyTorch's layout: per layer W as [out][in] row-major, then b.
// The flat vector concatenates W0, b0, W1, b1, … — the order of torch's model.parameters(),
// which is also the order Adam's state and the GPU buffers use.

export interface Layer {
  W: Float32Array // out × in, row-major
  b: Float32Array // out
}

export interface ModelParams {
  widths: number[]
  layers: Layer[]
}

/** Offsets of each layer's W and b inside the flat parameter vector. */
export function layerOffsets(widths: readonly number[]): { w: number; b: number }[] {
  const out: { w: number; b: number }[] = []
  let o = 0
  for (let l = 0; l + 1 < widths.length; l++) {
    const w = o
    o += widths[l] * widths[l + 1]
    out.push({ w, b: o })
    o += widths[l + 1]
  }
  return out
}

export function flattenParams(p: ModelParams): Float32Array {
  const offs = layerOffsets(p.widths)
  const last = offs[offs.length - 1]
  const flat = new Float32Array(last.b + p.widths[p.widths.length - 1])
  p.layers.forEach((layer, l) => {
    flat.set(layer.W, offs[l].w)
    flat.set(layer.b, offs[l].b)
  })
  return flat
}

export function unflattenParams(widths: readonly number[], flat: Float32Array): ModelParams {
  const offs = layerOffsets(widths)
  const layers = offs.map(({ w, b }, l) => ({
    W: flat.slice(w, w + widths[l] * widths[l + 1]),
    b: flat.slice(b, b + widths[l + 1]),
  }))
  return { widths: [...widths], layers }
}
