// The WebAssembly module for one architecture and batch size: gathers a batch (the rows of the
// epoch's order, standardised in float64 then rounded, as the reference recipe feeds them), runs
// the layers (src/cpu/kernelLayers.ts), the MSE loss, the backward pass and Adam, step after step
// inside the module, and validates. Exports:
//   train(job, rows, order, pos, steps, end, consts, losses) → steps done (fewer: that step's loss
//     was not finite; its Adam update was not applied)
//   validate(job, rows, n) → Σ (f32(pred − y))² over n rows, in float64
// `consts` holds per step (f32 stepSize, f32 √(1 − β2^t)); `losses` receives per step the float64
// mean of the batch's squared residuals (also for the step that stopped).
import { ADAM_DEFAULTS } from '../model/adam.ts'
import { backwardFn, forwardFn } from './kernelLayers.ts'
import { jobLayout, type JobLayout } from './layout.ts'
import {
  F32, F64, FnBuilder, I32, OP, SIMD, V128, block, br, brIf, end, f32Load, f32Store, f64Load, f64Store, i32Load,
  ifThen, loop, moduleBytes, v128Load, v128Store,
} from '../base/wasmBytes.ts'

const FN = { gather: 0, forward: 1, backward: 2, lossTop: 3, adam: 4, train: 5, validate: 6 }
const call = (f: FnBuilder, fn: number) => f.op(OP.call, fn)

/** while (i < limit) { body; } with i, limit i32 locals; body must advance i. */
function whileBelow(f: FnBuilder, i: number, limit: number, body: () => void): void {
  block(f)
  loop(f)
  f.get(i).get(limit).op(OP.i32GeU)
  brIf(f, 1)
  body()
  br(f, 0)
  end(f)
  end(f)
}

/** gather(job, rows, order, pos, count, cntPad): inputs and targets of rows[order[pos + k]] (order 0: rows[pos + k]),
 *  read from the feature columns and the targets whose addresses the job's header holds. */
function gatherFn(L: JobLayout): FnBuilder {
  const f = new FnBuilder([I32, I32, I32, I32, I32, I32], [])
  const [job, rows, order, pos, count, cntPad] = [0, 1, 2, 3, 4, 5]
  const k = f.local(I32)
  const r = f.local(I32)
  const src = f.local(I32)
  const dst = f.local(I32)
  const nf = L.widths[0]
  const S4 = L.stride * 4
  f.i32(0).set(k)
  whileBelow(f, k, count, () => {
    // r = rows[order ? order[pos + k] : pos + k]
    f.get(rows)
    f.get(order).get(pos).get(k).op(OP.i32Add).i32(4).op(OP.i32Mul).op(OP.i32Add)
    i32Load(f)
    f.get(pos).get(k).op(OP.i32Add)
    f.get(order).op(OP.select)
    f.i32(4).op(OP.i32Mul).op(OP.i32Add)
    i32Load(f)
    f.set(r)
    // src = 4r: the row's offset inside every feature column
    f.get(r).i32(4).op(OP.i32Mul).set(src)
    f.get(job).get(k).i32(4).op(OP.i32Mul).op(OP.i32Add).set(dst)
    for (let c = 0; c < nf; c++) {
      f.get(dst)
      f.get(job)
      i32Load(f, L.columns + c * 4)
      f.get(src).op(OP.i32Add)
      f32Load(f)
      f.op(OP.f64PromoteF32)
      f.get(job)
      f64Load(f, L.mean + c * 8)
      f.op(OP.f64Sub)
      f.get(job)
      f64Load(f, L.std + c * 8)
      f.op(OP.f64Div).op(OP.f32DemoteF64)
      f32Store(f, L.acts[0] + c * S4)
    }
    f.get(dst)
    f.get(job)
    i32Load(f, 4)
    f.get(src).op(OP.i32Add)
    f32Load(f)
    f32Store(f, L.target)
    f.addTo(k, 1)
  })
  // padding samples: zero inputs (their dz is zero too, so they add nothing to any gradient)
  whileBelow(f, k, cntPad, () => {
    f.get(job).get(k).i32(4).op(OP.i32Mul).op(OP.i32Add).set(dst)
    for (let c = 0; c < nf; c++) {
      f.get(dst).f32(0)
      f32Store(f, L.acts[0] + c * S4)
    }
    f.addTo(k, 1)
  })
  return f
}

/** lossTop(job, count, cntPad) → Σ d² in float64, d = f32(pred − y); writes the top dz = d · f32(2 / count). */
/** Leaves sample k's prediction − target (f32) on the stack; `at` is set to job + 4k, its offset
 *  in the per-sample arrays. */
function residual(f: FnBuilder, L: JobLayout, job: number, k: number, at: number): void {
  f.get(job).get(k).i32(4).op(OP.i32Mul).op(OP.i32Add).set(at)
  f.get(at)
  f32Load(f, L.acts[L.acts.length - 1])
  f.get(at)
  f32Load(f, L.target)
  f.op(OP.f32Sub)
}

function lossTopFn(L: JobLayout): FnBuilder {
  const f = new FnBuilder([I32, I32, I32], [F64])
  const [job, count, cntPad] = [0, 1, 2]
  const k = f.local(I32)
  const at = f.local(I32)
  const d = f.local(F32)
  const scale = f.local(F32)
  const sse = f.local(F64)
  const top = L.dz[L.dz.length - 1]
  f.f64(2).get(count).op(OP.f64ConvertI32U).op(OP.f64Div).op(OP.f32DemoteF64).set(scale)
  f.i32(0).set(k)
  whileBelow(f, k, count, () => {
    residual(f, L, job, k, at)
    f.set(d)
    f.get(sse).get(d).op(OP.f64PromoteF32).get(d).op(OP.f64PromoteF32).op(OP.f64Mul).op(OP.f64Add).set(sse)
    f.get(at).get(d).get(scale).op(OP.f32Mul)
    f32Store(f, top)
    f.addTo(k, 1)
  })
  whileBelow(f, k, cntPad, () => {
    f.get(job).get(k).i32(4).op(OP.i32Mul).op(OP.i32Add).f32(0)
    f32Store(f, top)
    f.addTo(k, 1)
  })
  f.get(sse)
  return f
}

/** adam(job, stepSize, bc2sqrt): torch 1.13's Adam over every parameter, four at a time, in float32. */
function adamFn(L: JobLayout): FnBuilder {
  const f = new FnBuilder([I32, F32, F32], [])
  const [job, stepSize, bc2] = [0, 1, 2]
  const fr = Math.fround
  const c = (x: number) => {
    const l = f.local(V128)
    f.f32(x).simd(SIMD.f32x4Splat).set(l)
    return l
  }
  const b1 = c(fr(ADAM_DEFAULTS.beta1))
  const a1 = c(fr(1 - ADAM_DEFAULTS.beta1))
  const b2 = c(fr(ADAM_DEFAULTS.beta2))
  const a2 = c(fr(1 - ADAM_DEFAULTS.beta2))
  const eps = c(fr(ADAM_DEFAULTS.eps))
  const ss = f.local(V128)
  const bc = f.local(V128)
  f.get(stepSize).simd(SIMD.f32x4Splat).set(ss)
  f.get(bc2).simd(SIMD.f32x4Splat).set(bc)
  const [p, base, limit] = [f.local(I32), f.local(I32), f.local(I32)]
  const [g, m, v] = [f.local(V128), f.local(V128), f.local(V128)]
  f.i32(0).set(p)
  f.i32(L.paramsPadded * 4).set(limit)
  whileBelow(f, p, limit, () => {
    f.get(job).get(p).op(OP.i32Add).set(base)
    f.get(base)
    v128Load(f, L.grad)
    f.set(g)
    // m = m·β1 + g·(1 − β1)
    f.get(base)
    v128Load(f, L.adamM)
    f.get(b1).simd(SIMD.f32x4Mul).get(g).get(a1).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).set(m)
    f.get(base).get(m)
    v128Store(f, L.adamM)
    // v = v·β2 + (g·g)·(1 − β2)
    f.get(base)
    v128Load(f, L.adamV)
    f.get(b2).simd(SIMD.f32x4Mul).get(g).get(g).simd(SIMD.f32x4Mul).get(a2).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).set(v)
    f.get(base).get(v)
    v128Store(f, L.adamV)
    // p = p + stepSize · (m / (√v / bc2 + ε))
    f.get(base)
    f.get(base)
    v128Load(f, L.weights)
    f.get(ss).get(m).get(v).simd(SIMD.f32x4Sqrt).get(bc).simd(SIMD.f32x4Div).get(eps).simd(SIMD.f32x4Add)
    f.simd(SIMD.f32x4Div).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add)
    v128Store(f, L.weights)
    f.addTo(p, 16)
  })
  return f
}

/** count = min(batch, end − pos); cntPad = count rounded up to 16 samples. */
function batchCount(f: FnBuilder, L: JobLayout, end: number, pos: number, count: number, cntPad: number): void {
  f.get(end).get(pos).op(OP.i32Sub).set(count)
  f.i32(L.batch).get(count).get(count).i32(L.batch).op(0x4b /* i32.gt_u */).op(OP.select).set(count)
  f.get(count).i32(15).op(OP.i32Add).i32(-16).op(0x71 /* i32.and */).set(cntPad)
}

function trainFn(L: JobLayout): FnBuilder {
  const f = new FnBuilder([I32, I32, I32, I32, I32, I32, I32, I32], [I32])
  const [job, rows, order, pos, steps, endRow, consts, losses] = [0, 1, 2, 3, 4, 5, 6, 7]
  const [k, count, cntPad] = [f.local(I32), f.local(I32), f.local(I32)]
  const sse = f.local(F64)
  f.i32(0).set(k)
  whileBelow(f, k, steps, () => {
    batchCount(f, L, endRow, pos, count, cntPad)
    f.get(job).get(rows).get(order).get(pos).get(count).get(cntPad)
    call(f, FN.gather)
    f.get(job).get(cntPad).i32(4).op(OP.i32Mul)
    call(f, FN.forward)
    f.get(job).get(count).get(cntPad)
    call(f, FN.lossTop)
    f.set(sse)
    f.get(losses).get(k).i32(8).op(OP.i32Mul).op(OP.i32Add)
    f.get(sse).get(count).op(OP.f64ConvertI32U).op(OP.f64Div)
    f64Store(f)
    // a loss that is not finite stops here, before its update
    f.get(sse).get(sse).op(OP.f64Sub).f64(0).op(OP.f64Ne)
    ifThen(f)
    f.get(k).op(OP.ret)
    end(f)
    f.get(job).get(cntPad).i32(4).op(OP.i32Mul)
    call(f, FN.backward)
    f.get(job)
    f.get(consts).get(k).i32(8).op(OP.i32Mul).op(OP.i32Add)
    f32Load(f, 0)
    f.get(consts).get(k).i32(8).op(OP.i32Mul).op(OP.i32Add)
    f32Load(f, 4)
    call(f, FN.adam)
    f.get(pos).get(count).op(OP.i32Add).set(pos)
    f.addTo(k, 1)
  })
  f.get(k)
  return f
}

function validateFn(L: JobLayout): FnBuilder {
  const f = new FnBuilder([I32, I32, I32], [F64])
  const [job, rows, n] = [0, 1, 2]
  const [start, count, cntPad, k, at] = [f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32)]
  const [sse, d] = [f.local(F64), f.local(F64)]
  f.i32(0).set(start)
  whileBelow(f, start, n, () => {
    batchCount(f, L, n, start, count, cntPad)
    f.get(job).get(rows).i32(0).get(start).get(count).get(cntPad)
    call(f, FN.gather)
    f.get(job).get(cntPad).i32(4).op(OP.i32Mul)
    call(f, FN.forward)
    f.i32(0).set(k)
    whileBelow(f, k, count, () => {
      residual(f, L, job, k, at)
      f.op(OP.f64PromoteF32).set(d)
      f.get(sse).get(d).get(d).op(OP.f64Mul).op(OP.f64Add).set(sse)
      f.addTo(k, 1)
    })
    f.get(start).get(count).op(OP.i32Add).set(start)
  })
  f.get(sse)
  return f
}

/** The module's bytes and the job layout they were generated for. */
export function kernelSource(widths: readonly number[], batch: number, opts: { shared?: boolean } = {}): { layout: JobLayout; bytes: Uint8Array } {
  const L = jobLayout(widths, batch)
  const fns = [gatherFn(L), forwardFn(L), backwardFn(L), lossTopFn(L), adamFn(L), trainFn(L), validateFn(L)]
  const names = Object.keys(FN)
  const bytes = moduleBytes({ minPages: 1, shared: opts.shared, functions: fns.map((fn, i) => ({ name: names[i], fn })) })
  return { layout: L, bytes }
}
