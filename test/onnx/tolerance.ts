// How close two prediction vectors must be. 1e-5 relative to the value, absolute below 1:
// VMAF predictions reach 100, where one float32 ulp is 7.6e-6, so runtimes that sum the same
// products in another order (MLAS, WebGPU, our loop) legitimately differ by 1e-5 absolute.
export const TOL = 1e-5

export interface Agreement {
  /** largest |a - b| */
  maxAbs: number
  /** largest |a - b| / max(1, |b|) */
  maxRel: number
}

export function agreement(a: ArrayLike<number>, b: ArrayLike<number>): Agreement {
  if (a.length !== b.length) throw new RangeError(`${a.length} vs ${b.length} predictions`)
  let maxAbs = 0
  let maxRel = 0
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i])
    if (!(d <= Infinity)) return { maxAbs: NaN, maxRel: NaN } // a NaN never agrees
    maxAbs = Math.max(maxAbs, d)
    maxRel = Math.max(maxRel, d / Math.max(1, Math.abs(b[i])))
  }
  return { maxAbs, maxRel }
}
