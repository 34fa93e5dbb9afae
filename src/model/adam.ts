// torch.optim.Adam's update (PyTorch 1.13, single-tensor path), rounded to float32 at the same
// points as torch's float32 tensor ops so the CPU reference tracks the fixtures step for step:
//   m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²
//   denom = √v / √(1−β2^t) + ε;  p −= lr/(1−β1^t) · m / denom
const f = Math.fround

export interface AdamConfig {
  lr: number
  beta1: number
  beta2: number
  eps: number
}

export const ADAM_DEFAULTS = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const

/**
 * One Adam step at step number `t` (1-based) over all parameters. `g` is the gradient (any
 * precision; it is rounded to float32 as torch's .grad would be).
 */
export function adamStep(
  p: Float32Array,
  g: ArrayLike<number>,
  m: Float32Array,
  v: Float32Array,
  t: number,
  cfg: AdamConfig,
): void {
  // Python-float scalars, as torch computes them, then cast to float for the tensor kernels.
  const b1 = f(cfg.beta1)
  const b2 = f(cfg.beta2)
  const a1 = f(1 - cfg.beta1)
  const a2 = f(1 - cfg.beta2)
  const bc1 = 1 - cfg.beta1 ** t
  const bc2sqrt = f(Math.sqrt(1 - cfg.beta2 ** t))
  const stepSize = f(-(cfg.lr / bc1))
  const eps = f(cfg.eps)
  const n = p.length
  for (let i = 0; i < n; i++) {
    const gi = f(g[i])
    const mi = f(f(m[i] * b1) + f(gi * a1))
    const vi = f(f(v[i] * b2) + f(f(gi * gi) * a2))
    m[i] = mi
    v[i] = vi
    const denom = f(f(f(Math.sqrt(vi)) / bc2sqrt) + eps)
    p[i] = f(p[i] + f(stepSize * f(mi / denom)))
  }
}
