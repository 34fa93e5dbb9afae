// Fused trainer for any MLP the app allows (≤ 4 hidden layers, widths ≤ 128, any feature count,
// ReLU), plus validation and prediction. One workgroup trains one model; a dispatch trains every
// model of the run that does not fit the unrolled small kernel (train_small.wgsl), whatever their
// architectures: the shape of each model is data (PLAN), not code.
//
// Every width is padded to a multiple of 4 and handled as vec4 / mat4x4f blocks; the padding is
// zero and stays zero (its gradients are exactly zero), so the results are those of the unpadded
// model. One optimizer step is two phases separated by barriers:
//   A. lanes = samples: forward pass, squared error, backward pass down to every hidden layer's
//      error term δ; activations and δ go to SCRATCH (one slot per sample of the batch).
//   B. lanes = parameter blocks: each block sums its gradient over the batch in sample order
//      (deterministic, independent of WG) and applies Adam to itself.
// The per-step barriers are this kernel's cost; the unrolled small kernel has none.
//
// Parameters of one model in STATE (vec4 units, see src/engine/layout.ts), layer by layer:
//   hidden layer l: out4 × in4 mat4x4 blocks (block [ob][ib], column c = weights from input 4ib+c
//   to units 4ob..4ob+3), then out4 bias vec4; output layer: in4 weight vec4, then 1 bias vec4 (.x).
// Params, Adam m and Adam v follow each other (P4 vec4 each).

override WG: u32 = 64;

const HEADER_U32: u32 = 16u;

@group(0) @binding(0) var<storage, read> X: array<vec4f>;
@group(0) @binding(1) var<storage, read> Y: array<f32>;
@group(0) @binding(2) var<storage, read> ROWS: array<u32>;
@group(0) @binding(3) var<storage, read> PLAN: array<u32>;
@group(0) @binding(4) var<storage, read_write> STATE: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> OUT: array<f32>;
struct Span { first: u32, count: u32 }
@group(0) @binding(6) var<uniform> SPAN: Span;
// Per model: batch × T4 vec4 — each sample's activations and error terms for phase B.
@group(0) @binding(7) var<storage, read_write> SCRATCH: array<vec4f>;

// Same header as train_small.wgsl (written by src/engine/plan.ts).
struct Header {
  rowOff: u32, nRows: u32, batch: u32, steps: u32, tabOff: u32, stateOff: u32, outOff: u32,
  valOff: u32, nVal: u32, enabled: u32, archOff: u32, scalerOff: u32, f4: u32,
  normFull: f32, normLast: f32, scratchOff: u32,
}

fn header(m: u32) -> Header {
  let o = m * HEADER_U32;
  return Header(PLAN[o], PLAN[o + 1u], PLAN[o + 2u], PLAN[o + 3u], PLAN[o + 4u], PLAN[o + 5u], PLAN[o + 6u],
    PLAN[o + 7u], PLAN[o + 8u], PLAN[o + 9u], PLAN[o + 10u], PLAN[o + 11u], PLAN[o + 12u],
    bitcast<f32>(PLAN[o + 13u]), bitcast<f32>(PLAN[o + 14u]), PLAN[o + 15u]);
}

// The architecture block (src/engine/plan.ts): L layers; per layer its input width in vec4
// (in4[L] = 1 is the output), parameter offset, activation offset and error-term offset in a
// sample's scratch slot; the slot size T4 and the parameter count P4 (vec4).
const A_L: u32 = 0u;
const A_IN4: u32 = 1u;   // 6 entries: in4[0..L]
const A_POFF: u32 = 7u;  // 5 entries
const A_AOFF: u32 = 12u; // 5 entries: a_l, l < L (a_0 = the scaled input)
const A_DOFF: u32 = 17u; // 6 entries: δ_l, 1 ≤ l ≤ L (δ_L = the output's, in .x)
const A_T4: u32 = 23u;
const A_P4: u32 = 24u;

fn arch(h: Header, k: u32) -> u32 { return PLAN[h.archOff + k]; }

fn plan_vec4(o: u32) -> vec4f {
  return bitcast<vec4f>(vec4u(PLAN[o], PLAN[o + 1u], PLAN[o + 2u], PLAN[o + 3u]));
}

// Standardised features, vec4 block ib of row r (see load_input in train_small.wgsl).
fn input4(h: Header, r: u32, ib: u32) -> vec4f {
  let s = h.scalerOff;
  return ((X[r * h.f4 + ib] - plan_vec4(s + 4u * ib)) - plan_vec4(s + 4u * (h.f4 + ib))) / plan_vec4(s + 4u * (2u * h.f4 + ib));
}

fn block(o: u32) -> mat4x4f { return mat4x4f(STATE[o], STATE[o + 1u], STATE[o + 2u], STATE[o + 3u]); }
fn relu(a: vec4f) -> vec4f { return max(a, vec4f(0.0)); }
fn gate(d: vec4f, a: vec4f) -> vec4f { return select(vec4f(0.0), d, a > vec4f(0.0)); }
fn outer(d: vec4f, x: vec4f) -> mat4x4f { return mat4x4f(d * x.x, d * x.y, d * x.z, d * x.w); }

// ---- Adam (torch's operation order; constants from PLAN, see train_small.wgsl) ----------------

fn adam4(p: u32, P4: u32, g: vec4f, k: vec2f) {
  let m = 0.9 * STATE[p + P4] + 0.1 * g;
  let v = 0.999 * STATE[p + 2u * P4] + (0.001 * g) * g;
  STATE[p + P4] = m;
  STATE[p + 2u * P4] = v;
  let denom = sqrt(v) / k.y + 1e-8;
  STATE[p] = STATE[p] + ((-k.x) * m) / denom;
}

// ---- training --------------------------------------------------------------------------------

var<workgroup> SSE: array<f32, WG>;

// Phase A for one sample in scratch slot `so`: returns its squared error.
fn sample_forward_backward(h: Header, so: u32, r: u32, norm: f32) -> f32 {
  let L = arch(h, A_L);
  let base = h.stateOff;
  for (var ib = 0u; ib < h.f4; ib++) { SCRATCH[so + arch(h, A_AOFF) + ib] = input4(h, r, ib); }
  // hidden layers: a_{l+1} = relu(W_l a_l + b_l)
  for (var l = 0u; l + 1u < L; l++) {
    let i4 = arch(h, A_IN4 + l);
    let o4 = arch(h, A_IN4 + l + 1u);
    let w = base + arch(h, A_POFF + l);
    let a = so + arch(h, A_AOFF + l);
    let z = so + arch(h, A_AOFF + l + 1u);
    for (var ob = 0u; ob < o4; ob++) {
      var acc = vec4f(0.0);
      for (var ib = 0u; ib < i4; ib++) { acc += block(w + (ob * i4 + ib) * 4u) * SCRATCH[a + ib]; }
      SCRATCH[z + ob] = relu(acc + STATE[w + o4 * i4 * 4u + ob]);
    }
  }
  // output: o = w · a_{L-1} + b
  let i4 = arch(h, A_IN4 + L - 1u);
  let w = base + arch(h, A_POFF + L - 1u);
  let a = so + arch(h, A_AOFF + L - 1u);
  var acc = vec4f(0.0);
  for (var ib = 0u; ib < i4; ib++) { acc += STATE[w + ib] * SCRATCH[a + ib]; }
  let err = (acc.x + acc.y + acc.z + acc.w + STATE[w + i4].x) - Y[r];
  let d = norm * err;
  SCRATCH[so + arch(h, A_DOFF + L)] = vec4f(d, 0.0, 0.0, 0.0);
  // error terms of the hidden layers, top down: δ_{L-1} from the output, then δ_l = gate(W_lᵀ δ_{l+1})
  if (L > 1u) {
    let dl = so + arch(h, A_DOFF + L - 1u);
    for (var ib = 0u; ib < i4; ib++) { SCRATCH[dl + ib] = gate(d * STATE[w + ib], SCRATCH[a + ib]); }
  }
  for (var l = L - 1u; l > 1u; l--) {
    // layer l-1 maps a_{l-1} (i4) to a_l (o4)
    let i4 = arch(h, A_IN4 + l - 1u);
    let o4 = arch(h, A_IN4 + l);
    let w = base + arch(h, A_POFF + l - 1u);
    let up = so + arch(h, A_DOFF + l);
    let dn = so + arch(h, A_DOFF + l - 1u);
    let a = so + arch(h, A_AOFF + l - 1u);
    for (var ib = 0u; ib < i4; ib++) {
      var acc = vec4f(0.0);
      for (var ob = 0u; ob < o4; ob++) { acc += SCRATCH[up + ob] * block(w + (ob * i4 + ib) * 4u); }
      SCRATCH[dn + ib] = gate(acc, SCRATCH[a + ib]);
    }
  }
  return err * err;
}

// Phase B for layer l: every parameter block sums its gradient over the bt samples, then Adam.
fn layer_update(h: Header, l: u32, bt: u32, lane: u32, k: vec2f) {
  let L = arch(h, A_L);
  let T4 = arch(h, A_T4);
  let P4 = arch(h, A_P4);
  let i4 = arch(h, A_IN4 + l);
  let w = h.stateOff + arch(h, A_POFF + l);
  let a = h.scratchOff + arch(h, A_AOFF + l);
  let dl = h.scratchOff + arch(h, A_DOFF + l + 1u);
  if (l + 1u < L) {
    let o4 = arch(h, A_IN4 + l + 1u);
    for (var u = lane; u < o4 * i4 + o4; u += WG) {
      if (u < o4 * i4) {
        let ob = u / i4;
        let ib = u % i4;
        var g = mat4x4f();
        for (var s = 0u; s < bt; s++) { g += outer(SCRATCH[dl + s * T4 + ob], SCRATCH[a + s * T4 + ib]); }
        let p = w + u * 4u;
        adam4(p, P4, g[0], k); adam4(p + 1u, P4, g[1], k); adam4(p + 2u, P4, g[2], k); adam4(p + 3u, P4, g[3], k);
      } else {
        let ob = u - o4 * i4;
        var g = vec4f(0.0);
        for (var s = 0u; s < bt; s++) { g += SCRATCH[dl + s * T4 + ob]; }
        adam4(w + o4 * i4 * 4u + ob, P4, g, k);
      }
    }
  } else {
    for (var u = lane; u <= i4; u += WG) {
      var g = vec4f(0.0);
      if (u < i4) {
        for (var s = 0u; s < bt; s++) { g += SCRATCH[dl + s * T4].x * SCRATCH[a + s * T4 + u]; }
      } else {
        for (var s = 0u; s < bt; s++) { g.x += SCRATCH[dl + s * T4].x; }
      }
      adam4(w + u, P4, g, k);
    }
  }
}

@compute @workgroup_size(WG)
fn train(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32) {
  let h = header(wid.x);
  if (h.enabled == 0u || SPAN.first >= h.steps) { return; }
  let end = min(SPAN.first + SPAN.count, h.steps);
  let L = arch(h, A_L);
  let T4 = arch(h, A_T4);
  for (var step = SPAN.first; step < end; step++) {
    let first = step * h.batch;
    let bt = min(h.batch, h.nRows - first);
    let norm = select(h.normLast, h.normFull, bt == h.batch);
    var sse = 0.0;
    for (var s = lane; s < bt; s += WG) {
      sse += sample_forward_backward(h, h.scratchOff + s * T4, ROWS[h.rowOff + first + s], norm);
    }
    SSE[lane] = sse;
    storageBarrier();
    workgroupBarrier();
    let k = bitcast<vec2f>(vec2u(PLAN[h.tabOff + 2u * step], PLAN[h.tabOff + 2u * step + 1u]));
    for (var l = 0u; l < L; l++) { layer_update(h, l, bt, lane, k); }
    if (lane == 0u) {
      var t = 0.0;
      for (var i = 0u; i < WG; i++) { t += SSE[i]; }
      OUT[h.outOff + 2u + step] = t;
    }
    storageBarrier();
    workgroupBarrier();
  }
}

// ---- validation and prediction: forward only, activations in private memory ----------------------

// Two halves of 32 vec4 (128 units): layer inputs and outputs ping-pong between them.
var<private> ACT: array<vec4f, 64>;

fn predict_row(h: Header, r: u32) -> f32 {
  let L = arch(h, A_L);
  let base = h.stateOff;
  for (var ib = 0u; ib < h.f4; ib++) { ACT[ib] = input4(h, r, ib); }
  var cur = 0u;
  for (var l = 0u; l + 1u < L; l++) {
    let i4 = arch(h, A_IN4 + l);
    let o4 = arch(h, A_IN4 + l + 1u);
    let w = base + arch(h, A_POFF + l);
    let nxt = 32u - cur;
    for (var ob = 0u; ob < o4; ob++) {
      var acc = vec4f(0.0);
      for (var ib = 0u; ib < i4; ib++) { acc += block(w + (ob * i4 + ib) * 4u) * ACT[cur + ib]; }
      ACT[nxt + ob] = relu(acc + STATE[w + o4 * i4 * 4u + ob]);
    }
    cur = nxt;
  }
  let i4 = arch(h, A_IN4 + L - 1u);
  let w = base + arch(h, A_POFF + L - 1u);
  var acc = vec4f(0.0);
  for (var ib = 0u; ib < i4; ib++) { acc += STATE[w + ib] * ACT[cur + ib]; }
  return acc.x + acc.y + acc.z + acc.w + STATE[w + i4].x;
}

// Sum of squared errors over the model's validation rows (lane partials summed in lane order).
@compute @workgroup_size(WG)
fn validate(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32) {
  let h = header(wid.x);
  if (h.enabled == 0u || h.nVal == 0u) { return; }
  var sse = 0.0;
  for (var s = lane; s < h.nVal; s += WG) {
    let r = ROWS[h.valOff + s];
    let err = predict_row(h, r) - Y[r];
    sse += err * err;
  }
  SSE[lane] = sse;
  workgroupBarrier();
  if (lane == 0u) {
    var t = 0.0;
    for (var i = 0u; i < WG; i++) { t += SSE[i]; }
    OUT[h.outOff + 1u] = t;
  }
}

// Predictions of model 0 for rows [SPAN.first, SPAN.first + SPAN.count) of X, into OUT[row].
@compute @workgroup_size(WG)
fn predict(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let h = header(0u);
  let end = SPAN.first + SPAN.count;
  for (var r = SPAN.first + gid.x; r < end; r += nwg.x * WG) { OUT[r] = predict_row(h, r); }
}
