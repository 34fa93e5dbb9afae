// Fused trainer for any MLP the app allows, shaped for real GPUs (many lanes, fast workgroup
// memory). One workgroup trains one model, so a dispatch of many models fills a GPU's SMs; within
// a workgroup:
// - The model's parameters live in workgroup memory (WGM[0, P4)) for the whole dispatch: every
//   lane reads the same weight at the same time (a broadcast), and Adam updates them in place.
// - Each lane owns up to GPL parameter blocks (block u = lane + j·WG): it keeps their gradient
//   sums and their Adam moments in registers for the whole dispatch and writes them back at the end.
// - Samples go across lanes, a tile of S ≤ WG samples at a time: phase A (lane = sample) runs the
//   forward and backward pass and leaves the sample's activations and error terms in workgroup
//   memory (WGM[P4 + s·T4 …]); phase B (lane = owned blocks) adds the tile's samples to its sums in
//   sample order. Tiles come in sample order, so each gradient is summed over the batch in sample
//   order exactly as train_any.wgsl sums it: the two kernels give bit-identical weights.
// - The step's loss is summed in sample order by lane 0 (independent of WG and of S).
// WGM_VEC4 (workgroup memory, vec4) comes from the adapter's limits (src/engine/pipelines.ts), GPL from abi.ts;
// the host sends a model here only when its parameters, one tile and its blocks fit (tiledFits).

override WGM_VEC4: u32 = 1000;

var<workgroup> WGM: array<vec4f, WGM_VEC4>;
// Each tile sample's squared error, summed in sample order by lane 0.
var<workgroup> ERR: array<f32, WG>;

fn wblock(o: u32) -> mat4x4f { return mat4x4f(WGM[o], WGM[o + 1u], WGM[o + 2u], WGM[o + 3u]); }

// Phase A for one sample: its activations and error terms into its tile slot `so` (a WGM index);
// the arithmetic is train_any.wgsl's, sample by sample, in the same order. Returns the squared error.
fn sample_forward_backward(h: Header, so: u32, r: u32, norm: f32) -> f32 {
  let L = arch(h, A_L);
  let a0 = arch(h, A_AOFF);
  for (var ib = 0u; ib < h.f4; ib++) { WGM[so + a0 + ib] = input4(h, r, ib); }
  for (var l = 0u; l + 1u < L; l++) {
    let i4 = arch(h, A_IN4 + l);
    let o4 = arch(h, A_IN4 + l + 1u);
    let w = arch(h, A_POFF + l);
    let a = so + arch(h, A_AOFF + l);
    let z = so + arch(h, A_AOFF + l + 1u);
    for (var ob = 0u; ob < o4; ob++) {
      var c = vec4f(0.0);
      for (var ib = 0u; ib < i4; ib++) { c += wblock(w + (ob * i4 + ib) * 4u) * WGM[a + ib]; }
      WGM[z + ob] = relu(c + WGM[w + o4 * i4 * 4u + ob]);
    }
  }
  let i4 = arch(h, A_IN4 + L - 1u);
  let w = arch(h, A_POFF + L - 1u);
  let a = so + arch(h, A_AOFF + L - 1u);
  var c = vec4f(0.0);
  for (var ib = 0u; ib < i4; ib++) { c += WGM[w + ib] * WGM[a + ib]; }
  let out = (c.x + c.y + c.z + c.w) + WGM[w + i4].x;
  let err = out - Y[r];
  let d = norm * err;
  WGM[so + arch(h, A_DOFF + L)] = vec4f(d, 0.0, 0.0, 0.0);
  if (L > 1u) {
    let dl = so + arch(h, A_DOFF + L - 1u);
    for (var ib = 0u; ib < i4; ib++) { WGM[dl + ib] = gate(d * WGM[w + ib], WGM[a + ib]); }
  }
  for (var l = L - 1u; l > 1u; l--) {
    let i4 = arch(h, A_IN4 + l - 1u);
    let o4 = arch(h, A_IN4 + l);
    let w = arch(h, A_POFF + l - 1u);
    let up = so + arch(h, A_DOFF + l);
    let dn = so + arch(h, A_DOFF + l - 1u);
    let a = so + arch(h, A_AOFF + l - 1u);
    for (var ib = 0u; ib < i4; ib++) {
      var c = vec4f(0.0);
      for (var ob = 0u; ob < o4; ob++) { c += WGM[up + ob] * wblock(w + (ob * i4 + ib) * 4u); }
      WGM[dn + ib] = gate(c, WGM[a + ib]);
    }
  }
  return err * err;
}

// Parameter block u of the model: its layer, where it starts (vec4 in the parameter block), how
// many vec4 it has (4 for a weight block, 1 for a bias or output vec4) and its inputs and outputs.
struct Block { l: u32, p: u32, n: u32, ob: u32, ib: u32, out: bool }

fn block_of(h: Header, u: u32) -> Block {
  let L = arch(h, A_L);
  var l = 0u;
  while (l + 1u < L && u >= arch(h, A_BOFF + l + 1u)) { l++; }
  let v = u - arch(h, A_BOFF + l);
  let i4 = arch(h, A_IN4 + l);
  let w = arch(h, A_POFF + l);
  if (l + 1u == L) { return Block(l, w + v, 1u, 0u, v, true); }
  let o4 = arch(h, A_IN4 + l + 1u);
  if (v < o4 * i4) { return Block(l, w + v * 4u, 4u, v / i4, v % i4, false); }
  return Block(l, w + o4 * i4 * 4u + (v - o4 * i4), 1u, v - o4 * i4, i4, false);
}

// Add samples [0, n) of the tile (slots at `tile`, stride T4) to block b's gradient sum.
fn add_tile(h: Header, b: Block, g: mat4x4f, tile: u32, n: u32) -> mat4x4f {
  let T4 = arch(h, A_T4);
  let a = tile + arch(h, A_AOFF + b.l);
  let dl = tile + arch(h, A_DOFF + b.l + 1u);
  var s = g;
  if (b.out) {
    // output layer: weight vec4 ib (ib < in4) or the bias (ib = in4, in .x)
    let bias = b.ib == arch(h, A_IN4 + b.l);
    for (var k = 0u; k < n; k++) {
      let d = WGM[dl + k * T4].x;
      if (bias) { s[0].x += d; } else { s[0] += d * WGM[a + k * T4 + b.ib]; }
    }
  } else if (b.n == 4u) {
    for (var k = 0u; k < n; k++) { s += outer(WGM[dl + k * T4 + b.ob], WGM[a + k * T4 + b.ib]); }
  } else {
    for (var k = 0u; k < n; k++) { s[0] += WGM[dl + k * T4 + b.ob]; }
  }
  return s;
}

// Adam (torch's operation order, as in train_any.wgsl) on one vec4 of parameters at WGM[p].
fn adam4(p: u32, m: ptr<function, vec4f>, v: ptr<function, vec4f>, g: vec4f, k: vec2f) {
  *m = 0.9 * *m + 0.1 * g;
  *v = 0.999 * *v + (0.001 * g) * g;
  let denom = sqrt(*v) / k.y + 1e-8;
  WGM[p] = WGM[p] + ((-k.x) * *m) / denom;
}

@compute @workgroup_size(WG)
fn train(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lane: u32) {
  let h = header(wid.x);
  if (h.enabled == 0u || SPAN.first >= h.steps) { return; }
  let end = min(SPAN.first + SPAN.count, h.steps);
  let P4 = arch(h, A_P4);
  let T4 = arch(h, A_T4);
  let NB = arch(h, A_NB);
  // samples per tile: as many as fit next to the parameters, at most one per lane
  let S = min(WG, (WGM_VEC4 - P4) / T4);

  for (var i = lane; i < P4; i += WG) { WGM[i] = STATE[h.stateOff + i]; }
  // this lane's blocks: Adam moments in registers for the whole dispatch
  var m: array<mat4x4f, GPL>;
  var v: array<mat4x4f, GPL>;
  for (var j = 0u; j < GPL; j++) {
    let u = lane + j * WG;
    if (u < NB) {
      let b = block_of(h, u);
      for (var c = 0u; c < b.n; c++) {
        m[j][c] = STATE[h.stateOff + P4 + b.p + c];
        v[j][c] = STATE[h.stateOff + 2u * P4 + b.p + c];
      }
    }
  }
  workgroupBarrier();

  // this lane's gradient sums, zeroed at the start of every step (explicitly: a declaration's
  // zero initialisation inside the loop is not reliably repeated by every compiler)
  var g: array<mat4x4f, GPL>;
  for (var step = SPAN.first; step < end; step++) {
    let first = step * h.batch;
    let bt = min(h.batch, h.nRows - first);
    let norm = select(h.normLast, h.normFull, bt == h.batch);
    for (var j = 0u; j < GPL; j++) { g[j] = mat4x4f(); }
    var sse = 0.0;
    for (var t0 = 0u; t0 < bt; t0 += S) {
      let n = min(S, bt - t0);
      if (lane < n) {
        ERR[lane] = sample_forward_backward(h, P4 + lane * T4, ROWS[h.rowOff + first + t0 + lane], norm);
      }
      workgroupBarrier();
      if (lane == 0u) {
        for (var k = 0u; k < n; k++) { sse += ERR[k]; }
      }
      for (var j = 0u; j < GPL; j++) {
        let u = lane + j * WG;
        if (u < NB) { g[j] = add_tile(h, block_of(h, u), g[j], P4, n); }
      }
      workgroupBarrier();
    }
    let k = bitcast<vec2f>(vec2u(MODELS[h.tabOff + 2u * step], MODELS[h.tabOff + 2u * step + 1u]));
    for (var j = 0u; j < GPL; j++) {
      let u = lane + j * WG;
      if (u < NB) {
        let b = block_of(h, u);
        for (var c = 0u; c < b.n; c++) { adam4(b.p + c, &m[j][c], &v[j][c], g[j][c], k); }
      }
    }
    if (lane == 0u) { OUT[h.outOff + 2u + step] = sse; }
    workgroupBarrier();
  }

  for (var j = 0u; j < GPL; j++) {
    let u = lane + j * WG;
    if (u < NB) {
      let b = block_of(h, u);
      for (var c = 0u; c < b.n; c++) {
        STATE[h.stateOff + b.p + c] = WGM[b.p + c];
        STATE[h.stateOff + P4 + b.p + c] = m[j][c];
        STATE[h.stateOff + 2u * P4 + b.p + c] = v[j][c];
      }
    }
  }
}
