// How a model's parameters sit in the engine's STATE buffer: every width rounded up to a multiple
// of 4 and stored as vec4 / mat4x4 blocks (see the header of shaders/mlp_common.wgsl). Padding is
// zero and stays zero during training, so the padded model computes exactly what the real one
// does. All kernels use this layout; the small kernel always uses the padded shape 8→16→8→1.
import { layerOffsets } from '../model/params.ts'
import type { KernelName } from './abi.ts'


/** The unrolled kernel's fixed shape (train_small.wgsl): models up to 8 → 16 → 8 → 1. */
export const SMALL_SHAPE = [8, 16, 8, 1] as const

/** True when the unrolled small kernel can train `widths` (zero-padded into SMALL_SHAPE). */
export function fitsSmall(widths: readonly number[]): boolean {
  return widths.length === SMALL_SHAPE.length && widths.every((w, l) => w >= 1 && w <= SMALL_SHAPE[l]) && widths[3] === 1
}

export const vec4s = (n: number) => Math.ceil(n / 4)

export interface ModelLayout {
  /** the real widths, input first */
  widths: number[]
  /** vec4 per layer input (in4[0] = features), in4[L] = 1 for the output */
  in4: number[]
  /** each layer's first vec4 in the parameter block */
  pOff: number[]
  /** vec4 per parameter block (params; Adam m and v have the same size) */
  P4: number
  /** index[i]: where flat parameter i (torch order W0, b0, W1, b1, …) sits in the padded floats */
  index: Uint32Array
}

/** The layout of `widths` stored with the (padded) shape `storage` (same number of layers). */
export function modelLayout(widths: readonly number[], storage: readonly number[] = widths): ModelLayout {
  const L = widths.length - 1
  const in4 = storage.map((w, l) => (l === L ? 1 : vec4s(w)))
  const pOff: number[] = []
  let o = 0
  for (let l = 0; l < L; l++) {
    pOff.push(o)
    o += l + 1 < L ? in4[l + 1] * in4[l] * 4 + in4[l + 1] : in4[l] + 1
  }
  const lay: ModelLayout = { widths: [...widths], in4, pOff, P4: o, index: new Uint32Array(0) }
  lay.index = paddedIndex(lay)
  return lay
}

export function layoutFor(kind: KernelName, widths: readonly number[]): ModelLayout {
  return modelLayout(widths, kind === 'small' ? SMALL_SHAPE : widths)
}

function paddedIndex(lay: ModelLayout): Uint32Array {
  const { widths, in4, pOff } = lay
  const L = widths.length - 1
  const flat = layerOffsets(widths)
  const n = flat[L - 1].b + 1
  const map = new Uint32Array(n)
  for (let l = 0; l < L; l++) {
    const I = widths[l]
    const O = widths[l + 1]
    const base = pOff[l] * 4
    if (l + 1 < L) {
      const i4 = in4[l]
      const o4 = in4[l + 1]
      for (let o = 0; o < O; o++) {
        for (let i = 0; i < I; i++) {
          // block [o>>2][i>>2], column i&3, row o&3
          map[flat[l].w + o * I + i] = base + (((o >> 2) * i4 + (i >> 2)) * 4 + (i & 3)) * 4 + (o & 3)
        }
        map[flat[l].b + o] = base + (o4 * i4 * 4 + (o >> 2)) * 4 + (o & 3)
      }
    } else {
      for (let i = 0; i < I; i++) map[flat[l].w + i] = base + i
      map[flat[l].b] = base + in4[l] * 4
    }
  }
  return map
}

/** Flat torch-order parameters → the padded STATE layout (P4 × 4 floats, zeros elsewhere). */
export function pack(lay: ModelLayout, flat: Float32Array, out = new Float32Array(lay.P4 * 4), at = 0): Float32Array {
  const map = lay.index
  if (flat.length !== map.length) throw new RangeError(`expected ${map.length} parameters, got ${flat.length}`)
  for (let i = 0; i < map.length; i++) out[at + map[i]] = flat[i]
  return out
}

/** The padded STATE layout → flat torch-order parameters. */
export function unpack(lay: ModelLayout, padded: Float32Array, at = 0): Float32Array {
  const map = lay.index
  const flat = new Float32Array(map.length)
  for (let i = 0; i < map.length; i++) flat[i] = padded[at + map[i]]
  return flat
}
