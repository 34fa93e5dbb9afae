// What the two generic kernels (train_any.wgsl for software adapters, train_tiled.wgsl for GPUs)
// share: reading a model's architecture, scaler and parameters, and the forward pass used by
// validation and prediction. A kernel module is this file, then the kernel's own file, behind the
// prelude generated from src/engine/abi.ts (bindings, struct Header, header(m), A_* offsets).
//
// Every width is padded to a multiple of 4 and handled as vec4 / mat4x4f blocks; the padding is
// zero and stays zero (its gradients are exactly zero), so the results are those of the unpadded
// model. Parameters of one model in STATE (vec4 units, see src/engine/layout.ts), layer by layer:
//   hidden layer l: out4 × in4 mat4x4 blocks (block [ob][ib], column c = weights from input 4ib+c
//   to units 4ob..4ob+3), then out4 bias vec4; output layer: in4 weight vec4, then 1 bias vec4 (.x).
// Params, Adam m and Adam v follow each other (P4 vec4 each).

override WG: u32 = 64;

var<workgroup> SSE: array<f32, WG>;

fn arch(h: Header, k: u32) -> u32 { return MODELS[h.archOff + k]; }

fn models_vec4(o: u32) -> vec4f {
  return bitcast<vec4f>(vec4u(MODELS[o], MODELS[o + 1u], MODELS[o + 2u], MODELS[o + 3u]));
}

// Standardised features, vec4 block ib of row r (see load_input in train_small.wgsl).
fn input4(h: Header, r: u32, ib: u32) -> vec4f {
  let s = h.scalerOff;
  return ((X[r * h.f4 + ib] - models_vec4(s + 4u * ib)) - models_vec4(s + 4u * (h.f4 + ib))) / models_vec4(s + 4u * (2u * h.f4 + ib));
}

fn block(o: u32) -> mat4x4f { return mat4x4f(STATE[o], STATE[o + 1u], STATE[o + 2u], STATE[o + 3u]); }
fn relu(a: vec4f) -> vec4f { return max(a, vec4f(0.0)); }
fn gate(d: vec4f, a: vec4f) -> vec4f { return select(vec4f(0.0), d, a > vec4f(0.0)); }
fn outer(d: vec4f, x: vec4f) -> mat4x4f { return mat4x4f(d * x.x, d * x.y, d * x.z, d * x.w); }

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
