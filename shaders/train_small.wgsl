// Fused trainer for small MLPs: up to 8 inputs → 16 → 8 → 1 (mlp_small and anything that fits
// inside it; smaller layers are zero-padded, which is exact: padded weights get zero gradients
// and stay zero). One workgroup trains one model; a dispatch trains every model of the run.
//
// Why the code looks like this (the shape is what makes it fast; see src/engine/README.md):
// - Every lane (invocation) owns whole samples. Each lane keeps its own copy of the weights, the
//   Adam moments and its gradient sums in registers: the model is a struct of mat4x4f blocks that
//   is only ever indexed with constants, so compilers (SwiftShader's included) split it into
//   plain registers. There are no loops over neurons: each layer is written out block by block.
// - A workgroup is exactly one subgroup (WG = the adapter's smallest subgroup size), so the only
//   communication, the gradient sum at the end of each step, is subgroupAdd: no barrier at all.
// - A dispatch runs steps [first, first + count) of the epoch for every model (a uniform with a
//   dynamic offset per dispatch), so long epochs are cut into dispatches short enough for GPU
//   watchdogs; the weights live in registers for the whole dispatch.
//
// Layout of one model's parameters in STATE (vec4 units; see src/engine/layout.ts):
//   W0: 4×2 mat4x4 blocks (block [ob][ib]: column c = weights from input 4ib+c to units 4ob..4ob+3)
//   b0: 4 vec4 · W1: 2×4 blocks · b1: 2 vec4 · W2: 2 vec4 (weights into the output) · b2: 1 vec4 (.x)
// = 73 vec4 = NET_VEC4. Params, Adam m and Adam v follow each other: 3 × 73 vec4 per model.
enable subgroups;

// Invocations per workgroup: the adapter's smallest subgroup size (4 on SwiftShader, 32 on most
// GPUs), so that one workgroup is one subgroup.
override WG: u32 = 4;

const NET_VEC4: u32 = 73u;

// The bindings (X, Y, ROWS, MODELS, STATE as array<Trio>, OUT, SPAN), struct Header and header(m)
// are generated from src/engine/abi.ts and put in front of this file when the pipelines are built.

fn models_vec4(o: u32) -> vec4f {
  return bitcast<vec4f>(vec4u(MODELS[o], MODELS[o + 1u], MODELS[o + 2u], MODELS[o + 3u]));
}

// The model as registers. Field order = storage order.
struct Net {
  W0: array<mat4x4f, 8>, // [ob * 2 + ib]
  b0: array<vec4f, 4>,
  W1: array<mat4x4f, 8>, // [ob * 4 + ib]
  b1: array<vec4f, 2>,
  W2: array<vec4f, 2>,
  b2: vec4f,
}

// One model's training state as stored. Loading and storing whole structs (rather than vec4 by
// vec4) cuts SwiftShader's compile time for this kernel (src/engine/README.md).
struct Trio { p: Net, m: Net, v: Net }

// ---- one sample ------------------------------------------------------------------------------

struct Input { a: vec4f, b: vec4f }

// Standardise on the fly: ((x − mean_hi) − mean_lo) / std. mean_hi + mean_lo carries the float64
// mean to ~2^-48, so this stays within an ulp or two of the recipe's float64 (x − mean) / std.
fn load_input(r: u32, h: Header) -> Input {
  let s = h.scalerOff;
  let xa = X[r * h.f4];
  let a = ((xa - models_vec4(s)) - models_vec4(s + 4u * h.f4)) / models_vec4(s + 8u * h.f4);
  var b = vec4f(0.0);
  if (h.f4 > 1u) {
    let xb = X[r * h.f4 + 1u];
    b = ((xb - models_vec4(s + 4u)) - models_vec4(s + 4u * h.f4 + 4u)) / models_vec4(s + 8u * h.f4 + 4u);
  }
  return Input(a, b);
}

// Activations of one sample: hidden layer 1 (4 blocks), hidden layer 2 (2 blocks), output.
struct Acts { h0: vec4f, h1: vec4f, h2: vec4f, h3: vec4f, k0: vec4f, k1: vec4f, out: f32 }

fn relu(a: vec4f) -> vec4f { return max(a, vec4f(0.0)); }

fn forward(p: Net, x: Input) -> Acts {
  var a: Acts;
  a.h0 = relu(p.W0[0] * x.a + p.W0[1] * x.b + p.b0[0]);
  a.h1 = relu(p.W0[2] * x.a + p.W0[3] * x.b + p.b0[1]);
  a.h2 = relu(p.W0[4] * x.a + p.W0[5] * x.b + p.b0[2]);
  a.h3 = relu(p.W0[6] * x.a + p.W0[7] * x.b + p.b0[3]);
  a.k0 = relu(p.W1[0] * a.h0 + p.W1[1] * a.h1 + p.W1[2] * a.h2 + p.W1[3] * a.h3 + p.b1[0]);
  a.k1 = relu(p.W1[4] * a.h0 + p.W1[5] * a.h1 + p.W1[6] * a.h2 + p.W1[7] * a.h3 + p.b1[1]);
  a.out = dot(p.W2[0], a.k0) + dot(p.W2[1], a.k1) + p.b2.x;
  return a;
}

// Column c of outer(d, x) is d · x[c]: the gradient block of the weights from x into d's units.
fn outer(d: vec4f, x: vec4f) -> mat4x4f { return mat4x4f(d * x.x, d * x.y, d * x.z, d * x.w); }
// Backprop through ReLU: no gradient where the unit was off (activation 0).
fn gate(d: vec4f, h: vec4f) -> vec4f { return select(vec4f(0.0), d, h > vec4f(0.0)); }

// Add one sample's gradient (d = dLoss/dOutput) to g.
fn backward(g: ptr<function, Net>, p: Net, x: Input, a: Acts, d: f32) {
  (*g).b2.x += d;
  (*g).W2[0] += d * a.k0;
  (*g).W2[1] += d * a.k1;
  let e0 = gate(d * p.W2[0], a.k0);
  let e1 = gate(d * p.W2[1], a.k1);
  (*g).b1[0] += e0; (*g).b1[1] += e1;
  (*g).W1[0] += outer(e0, a.h0); (*g).W1[1] += outer(e0, a.h1); (*g).W1[2] += outer(e0, a.h2); (*g).W1[3] += outer(e0, a.h3);
  (*g).W1[4] += outer(e1, a.h0); (*g).W1[5] += outer(e1, a.h1); (*g).W1[6] += outer(e1, a.h2); (*g).W1[7] += outer(e1, a.h3);
  // v * M = Mᵀv: the error flowing back into hidden layer 1.
  let f0 = gate(e0 * p.W1[0] + e1 * p.W1[4], a.h0);
  let f1 = gate(e0 * p.W1[1] + e1 * p.W1[5], a.h1);
  let f2 = gate(e0 * p.W1[2] + e1 * p.W1[6], a.h2);
  let f3 = gate(e0 * p.W1[3] + e1 * p.W1[7], a.h3);
  (*g).b0[0] += f0; (*g).b0[1] += f1; (*g).b0[2] += f2; (*g).b0[3] += f3;
  (*g).W0[0] += outer(f0, x.a); (*g).W0[1] += outer(f0, x.b); (*g).W0[2] += outer(f1, x.a); (*g).W0[3] += outer(f1, x.b);
  (*g).W0[4] += outer(f2, x.a); (*g).W0[5] += outer(f2, x.b); (*g).W0[6] += outer(f3, x.a); (*g).W0[7] += outer(f3, x.b);
}

// ---- sums over the workgroup -------------------------------------------------------------------

// Sum over the workgroup (= one subgroup, see WG), identical in every lane: lane 0's sum is the
// one everybody uses, so the lanes' copies of the weights can never drift apart.
fn sg_sum(v: vec4f) -> vec4f { return subgroupBroadcastFirst(subgroupAdd(v)); }
fn sg_sum_m(m: mat4x4f) -> mat4x4f { return mat4x4f(sg_sum(m[0]), sg_sum(m[1]), sg_sum(m[2]), sg_sum(m[3])); }

fn sg_sum_net(g: Net) -> Net {
  var s: Net;
  s.W0[0] = sg_sum_m(g.W0[0]); s.W0[1] = sg_sum_m(g.W0[1]); s.W0[2] = sg_sum_m(g.W0[2]); s.W0[3] = sg_sum_m(g.W0[3]);
  s.W0[4] = sg_sum_m(g.W0[4]); s.W0[5] = sg_sum_m(g.W0[5]); s.W0[6] = sg_sum_m(g.W0[6]); s.W0[7] = sg_sum_m(g.W0[7]);
  s.b0[0] = sg_sum(g.b0[0]); s.b0[1] = sg_sum(g.b0[1]); s.b0[2] = sg_sum(g.b0[2]); s.b0[3] = sg_sum(g.b0[3]);
  s.W1[0] = sg_sum_m(g.W1[0]); s.W1[1] = sg_sum_m(g.W1[1]); s.W1[2] = sg_sum_m(g.W1[2]); s.W1[3] = sg_sum_m(g.W1[3]);
  s.W1[4] = sg_sum_m(g.W1[4]); s.W1[5] = sg_sum_m(g.W1[5]); s.W1[6] = sg_sum_m(g.W1[6]); s.W1[7] = sg_sum_m(g.W1[7]);
  s.b1[0] = sg_sum(g.b1[0]); s.b1[1] = sg_sum(g.b1[1]);
  s.W2[0] = sg_sum(g.W2[0]); s.W2[1] = sg_sum(g.W2[1]);
  s.b2 = sg_sum(g.b2);
  return s;
}

// ---- Adam ----------------------------------------------------------------------------------------

// torch.optim.Adam (1.13, single tensor), in float32 with torch's operation order:
//   m = β1·m + (1−β1)·g;  v = β2·v + ((1−β2)·g)·g;  denom = √v / √(1−β2^t) + ε;  p += (−lr/(1−β1^t))·m / denom
// step_size = lr/(1−β1^t) and √(1−β2^t) are computed in float64 on the CPU, per step (MODELS).
struct AdamK { step_size: f32, bc2_sqrt: f32 }

fn adam4(p: ptr<function, vec4f>, m: ptr<function, vec4f>, v: ptr<function, vec4f>, g: vec4f, k: AdamK) {
  *m = 0.9 * *m + 0.1 * g;
  *v = 0.999 * *v + (0.001 * g) * g;
  let denom = sqrt(*v) / k.bc2_sqrt + 1e-8;
  *p = *p + ((-k.step_size) * *m) / denom;
}

fn adam_m(p: ptr<function, mat4x4f>, m: ptr<function, mat4x4f>, v: ptr<function, mat4x4f>, g: mat4x4f, k: AdamK) {
  adam4(&(*p)[0], &(*m)[0], &(*v)[0], g[0], k);
  adam4(&(*p)[1], &(*m)[1], &(*v)[1], g[1], k);
  adam4(&(*p)[2], &(*m)[2], &(*v)[2], g[2], k);
  adam4(&(*p)[3], &(*m)[3], &(*v)[3], g[3], k);
}

fn adam_net(p: ptr<function, Net>, m: ptr<function, Net>, v: ptr<function, Net>, g: Net, k: AdamK) {
  adam_m(&(*p).W0[0], &(*m).W0[0], &(*v).W0[0], g.W0[0], k); adam_m(&(*p).W0[1], &(*m).W0[1], &(*v).W0[1], g.W0[1], k);
  adam_m(&(*p).W0[2], &(*m).W0[2], &(*v).W0[2], g.W0[2], k); adam_m(&(*p).W0[3], &(*m).W0[3], &(*v).W0[3], g.W0[3], k);
  adam_m(&(*p).W0[4], &(*m).W0[4], &(*v).W0[4], g.W0[4], k); adam_m(&(*p).W0[5], &(*m).W0[5], &(*v).W0[5], g.W0[5], k);
  adam_m(&(*p).W0[6], &(*m).W0[6], &(*v).W0[6], g.W0[6], k); adam_m(&(*p).W0[7], &(*m).W0[7], &(*v).W0[7], g.W0[7], k);
  adam4(&(*p).b0[0], &(*m).b0[0], &(*v).b0[0], g.b0[0], k); adam4(&(*p).b0[1], &(*m).b0[1], &(*v).b0[1], g.b0[1], k);
  adam4(&(*p).b0[2], &(*m).b0[2], &(*v).b0[2], g.b0[2], k); adam4(&(*p).b0[3], &(*m).b0[3], &(*v).b0[3], g.b0[3], k);
  adam_m(&(*p).W1[0], &(*m).W1[0], &(*v).W1[0], g.W1[0], k); adam_m(&(*p).W1[1], &(*m).W1[1], &(*v).W1[1], g.W1[1], k);
  adam_m(&(*p).W1[2], &(*m).W1[2], &(*v).W1[2], g.W1[2], k); adam_m(&(*p).W1[3], &(*m).W1[3], &(*v).W1[3], g.W1[3], k);
  adam_m(&(*p).W1[4], &(*m).W1[4], &(*v).W1[4], g.W1[4], k); adam_m(&(*p).W1[5], &(*m).W1[5], &(*v).W1[5], g.W1[5], k);
  adam_m(&(*p).W1[6], &(*m).W1[6], &(*v).W1[6], g.W1[6], k); adam_m(&(*p).W1[7], &(*m).W1[7], &(*v).W1[7], g.W1[7], k);
  adam4(&(*p).b1[0], &(*m).b1[0], &(*v).b1[0], g.b1[0], k); adam4(&(*p).b1[1], &(*m).b1[1], &(*v).b1[1], g.b1[1], k);
  adam4(&(*p).W2[0], &(*m).W2[0], &(*v).W2[0], g.W2[0], k); adam4(&(*p).W2[1], &(*m).W2[1], &(*v).W2[1], g.W2[1], k);
  // b2 is a vec4 whose .x is the bias; the other lanes hold zeros and stay zero (g = 0 there).
  adam4(&(*p).b2, &(*m).b2, &(*v).b2, vec4f(g.b2.x, 0.0, 0.0, 0.0), k);
}

// ---- entry points ------------------------------------------------------------------------------

// Steps [SPAN.first, SPAN.first + SPAN.count) of this epoch for model `workgroup_id.x`.
@compute @workgroup_size(WG)
fn train(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32,
         @builtin(subgroup_size) sg_size: u32) {
  let h = header(wid.x);
  if (h.enabled == 0u || SPAN.first >= h.steps) { return; }
  // The sums below need the workgroup to be one subgroup; flag the run if the device disagrees.
  if (sg_size < WG) { if (lane == 0u) { OUT[h.outOff] = 1.0; } return; }
  let end = min(SPAN.first + SPAN.count, h.steps);

  let model = h.stateOff / (3u * NET_VEC4);
  var p = STATE[model].p;
  var m = STATE[model].m;
  var v = STATE[model].v;

  for (var step = SPAN.first; step < end; step++) {
    let first = step * h.batch;
    let bt = min(h.batch, h.nRows - first);
    let norm = select(h.normLast, h.normFull, bt == h.batch);
    var g = Net(); // this lane's gradient sums
    var sse = 0.0;
    for (var s = lane; s < bt; s += WG) {
      let r = ROWS[h.rowOff + first + s];
      let x = load_input(r, h);
      let a = forward(p, x);
      let err = a.out - Y[r];
      sse += err * err;
      backward(&g, p, x, a, norm * err); // torch: d(mean((o−y)²))/do = f32(2/n) · (o−y)
    }
    g.b2.y = sse; // rides along with the gradient sum (b2.yzw are padding)
    let gs = sg_sum_net(g);
    let k = bitcast<vec2f>(vec2u(MODELS[h.tabOff + 2u * step], MODELS[h.tabOff + 2u * step + 1u]));
    adam_net(&p, &m, &v, gs, AdamK(k.x, k.y));
    if (lane == 0u) { OUT[h.outOff + 2u + step] = gs.b2.y; }
  }

  if (lane == 0u) {
    STATE[model].p = p;
    STATE[model].m = m;
    STATE[model].v = v;
  }
}

// Sum of squared errors over the model's validation rows, with the current weights.
@compute @workgroup_size(WG)
fn validate(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32) {
  let h = header(wid.x);
  if (h.enabled == 0u || h.nVal == 0u) { return; }
  let p = STATE[h.stateOff / (3u * NET_VEC4)].p;
  var sse = 0.0;
  for (var s = lane; s < h.nVal; s += WG) {
    let r = ROWS[h.valOff + s];
    let err = forward(p, load_input(r, h)).out - Y[r];
    sse += err * err;
  }
  let total = subgroupBroadcastFirst(subgroupAdd(sse));
  if (lane == 0u) { OUT[h.outOff + 1u] = total; }
}
