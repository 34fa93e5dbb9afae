// How close two prediction vectors must be: 1e-5 relative to the magnitude of the last layer's
// sum, Σ|w·h| + |b| (at least 1), computed in float64 from the model's weights
// (src/metrics/agreement.ts: runtimeAgreement, outputScale).
// Why not 1e-5 absolute: at VMAF ≈ 100 one float32 ulp is 7.6e-6, and where the last layer's
// terms cancel (output 0.8 from terms summing to 180 in magnitude) a float32 runtime is exact
// only to an ulp of 180 (1.5e-5). Runtimes that sum in another order (MLAS with FMA, WASM SIMD,
// WGSL, our loop) differ by that much; a real bug differs by orders of magnitude more.
export { outputScale, runtimeAgreement, type Agreement } from '../../src/metrics/agreement.ts'

export const TOL = 1e-5
