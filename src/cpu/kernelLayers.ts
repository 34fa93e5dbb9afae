// The dense layers' SIMD code, generated for one architecture and batch size (sizes and offsets are
// constants in the code): the forward pass, and the backward pass (weight and bias gradients, then
// the gradient of the layer below through the ReLU mask).
//
// Tiles: the forward pass and the backward propagation keep a block of (units × samples) sums in
// v128 locals and stream over the inner dimension with one splat weight load per unit; the weight
// gradients keep (outputs × inputs) sums, each over four sample lanes, streaming over the batch.
// Every sum runs in a fixed order (see src/cpu/README.md), so the same inputs give the same bits.
import type { JobLayout } from './layout.ts'
import {
  FnBuilder, I32, OP, SIMD, V128, block, br, brIf, end, f32Store, loadSplat32, loop, v128Load, v128Store, v128Zero,
} from '../base/wasmBytes.ts'

const JOB = 0 // every generated function takes the job's base address first
const CNT = 1 // … and the padded sample count in bytes (a multiple of 64)

/** Registers one function uses: v128 sums, operands, and i32 pointers. */
interface Regs {
  acc: number[]
  a: number[]
  d: number[]
  w: number
  zero: number
  sp: number
  bp: number
  ap: number
  wp: number
  ctr: number
}

function regs(f: FnBuilder): Regs {
  const r: Regs = {
    acc: Array.from({ length: 12 }, () => f.local(V128)),
    a: Array.from({ length: 6 }, () => f.local(V128)),
    d: Array.from({ length: 4 }, () => f.local(V128)),
    w: f.local(V128),
    zero: f.local(V128),
    sp: f.local(I32),
    bp: f.local(I32),
    ap: f.local(I32),
    wp: f.local(I32),
    ctr: f.local(I32),
  }
  v128Zero(f)
  f.set(r.zero)
  return r
}

/** for (sp = 0; sp < cnt; sp += step) { bp = job + sp; body } */
function sampleLoop(f: FnBuilder, r: Regs, step: number, body: () => void): void {
  f.i32(0).set(r.sp)
  block(f)
  loop(f)
  f.get(r.sp).get(CNT).op(OP.i32GeU)
  brIf(f, 1)
  f.get(JOB).get(r.sp).op(OP.i32Add).set(r.bp)
  body()
  f.addTo(r.sp, step)
  br(f, 0)
  end(f)
  end(f)
}

/** Runs `body` `times` times (times ≥ 1) with a down-counter. */
function countLoop(f: FnBuilder, r: Regs, times: number, body: () => void): void {
  f.i32(times).set(r.ctr)
  loop(f)
  body()
  f.get(r.ctr).i32(1).op(OP.i32Sub).set(r.ctr)
  f.get(r.ctr)
  brIf(f, 0)
  end(f)
}

/** How many iterations of an inner loop of `n` to unroll: all of a short one, else 4, 2 or 1. */
function unrollOf(n: number): number {
  if (n <= 8) return n
  return n % 4 === 0 ? 4 : n % 2 === 0 ? 2 : 1
}

/** Sample vectors per tile for a block of `units` (a divisor of the 16-sample padding; ≤ 8 sums in registers). */
const vecsFor = (units: number) => (units <= 2 ? 4 : 2)

/** acc += w * x (all v128 locals) */
function fma(f: FnBuilder, acc: number, w: number, x: number): void {
  f.get(acc).get(w).get(x).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).set(acc)
}

/** Pushes the f32 sum of a v128 local's lanes: (l0 + l1) + (l2 + l3). */
function laneSum(f: FnBuilder, v: number): void {
  const lane = (k: number) => f.get(v).simd(SIMD.f32x4ExtractLane, k)
  lane(0)
  lane(1)
  f.op(OP.f32Add)
  lane(2)
  lane(3)
  f.op(OP.f32Add)
  f.op(OP.f32Add)
}

/** Blocks [start, size] covering 0..n in steps of `k`. */
function blocks(n: number, k: number): [number, number][] {
  const out: [number, number][] = []
  for (let s = 0; s < n; s += k) out.push([s, Math.min(k, n - s)])
  return out
}

/**
 * out[j][s] = Σ_i W[j][i] · in[i][s] for a block of output units, samples in lanes, streaming
 * over `inner`: shared by the forward pass (W = the layer's weights) and the backward
 * propagation (W = the transposed weights, in = the upper layer's dz).
 */
interface Stream {
  /** units in this block and sample vectors per tile */
  units: number
  vecs: number
  inner: number
  /** byte offset (from the job base) of the streamed rows, row k at + k·stride·4 */
  rows: number
  /** byte offset of weight (unit j, inner k): base + j·unitStep + k·innerStep */
  weight: { base: number; unitStep: number; innerStep: number }
}

function streamTile(f: FnBuilder, r: Regs, L: JobLayout, s: Stream): void {
  const S4 = L.stride * 4
  f.get(r.bp).set(r.ap)
  f.get(JOB).set(r.wp)
  const u = unrollOf(s.inner)
  const step = () => {
    for (let k = 0; k < u; k++) {
      for (let v = 0; v < s.vecs; v++) {
        f.get(r.ap)
        v128Load(f, s.rows + k * S4 + v * 16)
        f.set(r.a[v])
      }
      for (let j = 0; j < s.units; j++) {
        f.get(r.wp)
        loadSplat32(f, s.weight.base + j * s.weight.unitStep + k * s.weight.innerStep)
        f.set(r.w)
        for (let v = 0; v < s.vecs; v++) fma(f, r.acc[j * s.vecs + v], r.w, r.a[v])
      }
    }
  }
  if (u === s.inner) return step()
  countLoop(f, r, s.inner / u, () => {
    step()
    f.addTo(r.ap, u * S4)
    f.addTo(r.wp, u * s.weight.innerStep)
  })
}

/** forward(job, cntBytes): every layer's output for the loaded batch. */
export function forwardFn(L: JobLayout): FnBuilder {
  const f = new FnBuilder([I32, I32], [])
  const r = regs(f)
  const w = L.widths
  const S4 = L.stride * 4
  for (let l = 0; l + 1 < w.length; l++) {
    const n = w[l]
    const relu = l + 2 < w.length
    for (const [o0, ob] of blocks(w[l + 1], 4)) {
      const vecs = vecsFor(ob)
      sampleLoop(f, r, vecs * 16, () => {
        for (let j = 0; j < ob; j++)
          for (let v = 0; v < vecs; v++) {
            f.get(JOB)
            loadSplat32(f, L.weights + L.layers[l].b + (o0 + j) * 4)
            f.set(r.acc[j * vecs + v])
          }
        const weight = { base: L.weights + L.layers[l].w + o0 * n * 4, unitStep: n * 4, innerStep: 4 }
        streamTile(f, r, L, { units: ob, vecs, inner: n, rows: L.acts[l], weight })
        for (let j = 0; j < ob; j++)
          for (let v = 0; v < vecs; v++) {
            f.get(r.bp).get(r.acc[j * vecs + v])
            if (relu) f.get(r.zero).simd(SIMD.f32x4Max)
            v128Store(f, L.acts[l + 1] + (o0 + j) * S4 + v * 16)
          }
      })
    }
  }
  return f
}

/** Bias gradients of layer l: Σ over the batch of its dz rows. */
function biasGrads(f: FnBuilder, r: Regs, L: JobLayout, l: number): void {
  const S4 = L.stride * 4
  for (const [o0, ob] of blocks(L.widths[l + 1], 4)) {
    for (let j = 0; j < ob; j++) f.get(r.zero).set(r.acc[j])
    sampleLoop(f, r, 16, () => {
      for (let j = 0; j < ob; j++) {
        f.get(r.acc[j]).get(r.bp)
        v128Load(f, L.dz[l] + (o0 + j) * S4)
        f.simd(SIMD.f32x4Add).set(r.acc[j])
      }
    })
    for (let j = 0; j < ob; j++) {
      f.get(JOB)
      laneSum(f, r.acc[j])
      f32Store(f, L.grad + L.layers[l].b + (o0 + j) * 4)
    }
  }
}

/** Weight gradients of layer l: dW[o][i] = Σ_s dz[o][s] · in[i][s]. */
function weightGrads(f: FnBuilder, r: Regs, L: JobLayout, l: number): void {
  const S4 = L.stride * 4
  const n = L.widths[l]
  for (const [o0, ob] of blocks(L.widths[l + 1], 4)) {
    const ibMax = ob >= 4 ? 2 : ob >= 2 ? 4 : 6
    for (const [i0, ib] of blocks(n, ibMax)) {
      for (let k = 0; k < ob * ib; k++) f.get(r.zero).set(r.acc[k])
      sampleLoop(f, r, 16, () => {
        for (let j = 0; j < ob; j++) {
          f.get(r.bp)
          v128Load(f, L.dz[l] + (o0 + j) * S4)
          f.set(r.d[j])
        }
        for (let q = 0; q < ib; q++) {
          f.get(r.bp)
          v128Load(f, L.acts[l] + (i0 + q) * S4)
          f.set(r.a[q])
        }
        for (let j = 0; j < ob; j++) for (let q = 0; q < ib; q++) fma(f, r.acc[j * ib + q], r.d[j], r.a[q])
      })
      for (let j = 0; j < ob; j++)
        for (let q = 0; q < ib; q++) {
          f.get(JOB)
          laneSum(f, r.acc[j * ib + q])
          f32Store(f, L.grad + L.layers[l].w + ((o0 + j) * n + i0 + q) * 4)
        }
    }
  }
}

/** dz of layer l − 1: (Σ_o W[o][i] · dz_l[o][s]) where layer l's input was > 0, else 0. */
function propagate(f: FnBuilder, r: Regs, L: JobLayout, l: number): void {
  const S4 = L.stride * 4
  const n = L.widths[l]
  const m = L.widths[l + 1]
  for (const [i0, ib] of blocks(n, 4)) {
    const vecs = vecsFor(ib)
    sampleLoop(f, r, vecs * 16, () => {
      for (let k = 0; k < ib * vecs; k++) f.get(r.zero).set(r.acc[k])
      const weight = { base: L.weights + L.layers[l].w + i0 * 4, unitStep: 4, innerStep: n * 4 }
      streamTile(f, r, L, { units: ib, vecs, inner: m, rows: L.dz[l], weight })
      for (let q = 0; q < ib; q++)
        for (let v = 0; v < vecs; v++) {
          const at = (i0 + q) * S4 + v * 16
          f.get(r.bp).get(r.acc[q * vecs + v]).get(r.bp)
          v128Load(f, L.acts[l] + at)
          f.get(r.zero).simd(SIMD.f32x4Gt).simd(SIMD.v128And)
          v128Store(f, L.dz[l - 1] + at)
        }
    })
  }
}

/** backward(job, cntBytes): all gradients from the top layer's dz (already written). */
export function backwardFn(L: JobLayout): FnBuilder {
  const f = new FnBuilder([I32, I32], [])
  const r = regs(f)
  for (let l = L.widths.length - 2; l >= 0; l--) {
    biasGrads(f, r, L, l)
    weightGrads(f, r, L, l)
    if (l > 0) propagate(f, r, L, l)
  }
  return f
}
