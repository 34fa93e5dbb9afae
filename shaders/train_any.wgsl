// Fused trainer for any MLP the app allows (≤ 4 hidden layers, widths ≤ 128, any feature count,
// ReLU), shaped for software adapters (SwiftShader: few lanes, loads are gathers), plus prediction.
// One workgroup trains one model; a dispatch trains every model of the run that does not fit the
// unrolled small kernel (train_small.wgsl), whatever their architectures: the shape of each model
// is data (MODELS), not code. Shared helpers and validation: mlp_common.wgsl.
//
// One optimizer step is two phases separated by barriers:
//   A. lanes = samples: forward pass, squared error, backward pass down to every hidden layer's
//      error term δ; activations and δ go to SCRATCH (one slot per sample of the batch).
//   B. lanes = parameter blocks: each block sums its gradient over the batch in sample order
//      (deterministic, independent of WG) and applies Adam to itself.
// The per-step barriers are this kernel's cost; the unrolled small kernel has none.
// SCRATCH holds, per model, batch × T4 vec4: each sample's activations and error terms.

// ---- Adam (torch's operation order; constants from MODELS, see train_small.wgsl) ----------------

fn adam4(p: u32, P4: u32, g: vec4f, k: vec2f) {
  let m = 0.9 * STATE[p + P4] + 0.1 * g;
  let v = 0.999 * STATE[p + 2u * P4] + (0.001 * g) * g;
  STATE[p + P4] = m;
  STATE[p + 2u * P4] = v;
  let denom = sqrt(v) / k.y + 1e-8;
  STATE[p] = STATE[p] + ((-k.x) * m) / denom;
}

// ---- training --------------------------------------------------------------------------------

// Phase A for four samples at once (scratch slots q.so, data rows q.r): each weight block is
// loaded once and used for all four, which matters where loads are gathers (SwiftShader). Each
// sample's arithmetic is in the same order as it would be alone. Returns the squared errors.
struct Quad { so: vec4u, r: vec4u }

fn quad_forward_backward(h: Header, q: Quad, norm: f32) -> vec4f {
  let L = arch(h, A_L);
  let base = h.stateOff;
  let a0 = arch(h, A_AOFF);
  for (var ib = 0u; ib < h.f4; ib++) {
    SCRATCH[q.so.x + a0 + ib] = input4(h, q.r.x, ib);
    SCRATCH[q.so.y + a0 + ib] = input4(h, q.r.y, ib);
    SCRATCH[q.so.z + a0 + ib] = input4(h, q.r.z, ib);
    SCRATCH[q.so.w + a0 + ib] = input4(h, q.r.w, ib);
  }
  // hidden layers: a_{l+1} = relu(W_l a_l + b_l)
  for (var l = 0u; l + 1u < L; l++) {
    let i4 = arch(h, A_IN4 + l);
    let o4 = arch(h, A_IN4 + l + 1u);
    let w = base + arch(h, A_POFF + l);
    let a = arch(h, A_AOFF + l);
    let z = arch(h, A_AOFF + l + 1u);
    for (var ob = 0u; ob < o4; ob++) {
      var c0 = vec4f(0.0); var c1 = vec4f(0.0); var c2 = vec4f(0.0); var c3 = vec4f(0.0);
      for (var ib = 0u; ib < i4; ib++) {
        let blk = block(w + (ob * i4 + ib) * 4u);
        c0 += blk * SCRATCH[q.so.x + a + ib];
        c1 += blk * SCRATCH[q.so.y + a + ib];
        c2 += blk * SCRATCH[q.so.z + a + ib];
        c3 += blk * SCRATCH[q.so.w + a + ib];
      }
      let b = STATE[w + o4 * i4 * 4u + ob];
      SCRATCH[q.so.x + z + ob] = relu(c0 + b);
      SCRATCH[q.so.y + z + ob] = relu(c1 + b);
      SCRATCH[q.so.z + z + ob] = relu(c2 + b);
      SCRATCH[q.so.w + z + ob] = relu(c3 + b);
    }
  }
  // output: o = w · a_{L-1} + b
  let i4 = arch(h, A_IN4 + L - 1u);
  let w = base + arch(h, A_POFF + L - 1u);
  let a = arch(h, A_AOFF + L - 1u);
  var c0 = vec4f(0.0); var c1 = vec4f(0.0); var c2 = vec4f(0.0); var c3 = vec4f(0.0);
  for (var ib = 0u; ib < i4; ib++) {
    let wv = STATE[w + ib];
    c0 += wv * SCRATCH[q.so.x + a + ib];
    c1 += wv * SCRATCH[q.so.y + a + ib];
    c2 += wv * SCRATCH[q.so.z + a + ib];
    c3 += wv * SCRATCH[q.so.w + a + ib];
  }
  let bias = STATE[w + i4].x;
  let out = vec4f(c0.x + c0.y + c0.z + c0.w, c1.x + c1.y + c1.z + c1.w, c2.x + c2.y + c2.z + c2.w, c3.x + c3.y + c3.z + c3.w) + bias;
  let err = out - vec4f(Y[q.r.x], Y[q.r.y], Y[q.r.z], Y[q.r.w]);
  let d = norm * err;
  let dL = arch(h, A_DOFF + L);
  SCRATCH[q.so.x + dL] = vec4f(d.x, 0.0, 0.0, 0.0);
  SCRATCH[q.so.y + dL] = vec4f(d.y, 0.0, 0.0, 0.0);
  SCRATCH[q.so.z + dL] = vec4f(d.z, 0.0, 0.0, 0.0);
  SCRATCH[q.so.w + dL] = vec4f(d.w, 0.0, 0.0, 0.0);
  // error terms of the hidden layers, top down: δ_{L-1} from the output, then δ_l = gate(W_lᵀ δ_{l+1})
  if (L > 1u) {
    let dl = arch(h, A_DOFF + L - 1u);
    for (var ib = 0u; ib < i4; ib++) {
      let wv = STATE[w + ib];
      SCRATCH[q.so.x + dl + ib] = gate(d.x * wv, SCRATCH[q.so.x + a + ib]);
      SCRATCH[q.so.y + dl + ib] = gate(d.y * wv, SCRATCH[q.so.y + a + ib]);
      SCRATCH[q.so.z + dl + ib] = gate(d.z * wv, SCRATCH[q.so.z + a + ib]);
      SCRATCH[q.so.w + dl + ib] = gate(d.w * wv, SCRATCH[q.so.w + a + ib]);
    }
  }
  for (var l = L - 1u; l > 1u; l--) {
    // layer l-1 maps a_{l-1} (i4) to a_l (o4)
    let i4 = arch(h, A_IN4 + l - 1u);
    let o4 = arch(h, A_IN4 + l);
    let w = base + arch(h, A_POFF + l - 1u);
    let up = arch(h, A_DOFF + l);
    let dn = arch(h, A_DOFF + l - 1u);
    let a = arch(h, A_AOFF + l - 1u);
    for (var ib = 0u; ib < i4; ib++) {
      var c0 = vec4f(0.0); var c1 = vec4f(0.0); var c2 = vec4f(0.0); var c3 = vec4f(0.0);
      for (var ob = 0u; ob < o4; ob++) {
        let blk = block(w + (ob * i4 + ib) * 4u);
        c0 += SCRATCH[q.so.x + up + ob] * blk;
        c1 += SCRATCH[q.so.y + up + ob] * blk;
        c2 += SCRATCH[q.so.z + up + ob] * blk;
        c3 += SCRATCH[q.so.w + up + ob] * blk;
      }
      SCRATCH[q.so.x + dn + ib] = gate(c0, SCRATCH[q.so.x + a + ib]);
      SCRATCH[q.so.y + dn + ib] = gate(c1, SCRATCH[q.so.y + a + ib]);
      SCRATCH[q.so.z + dn + ib] = gate(c2, SCRATCH[q.so.z + a + ib]);
      SCRATCH[q.so.w + dn + ib] = gate(c3, SCRATCH[q.so.w + a + ib]);
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
    // Lane `lane` takes samples lane + k·WG, four at a time; slots past the batch compute on a copy
    // of sample 0 and are ignored (scratch has room for them, see src/engine/kernelGroup.ts).
    var sse = 0.0;
    for (var s0 = lane; s0 < bt; s0 += 4u * WG) {
      let s = s0 + vec4u(0u, 1u, 2u, 3u) * WG;
      let valid = s < vec4u(bt);
      let r = select(vec4u(ROWS[h.rowOff + first]), vec4u(ROWS[h.rowOff + first + s.x], ROWS[h.rowOff + first + min(s.y, bt - 1u)],
        ROWS[h.rowOff + first + min(s.z, bt - 1u)], ROWS[h.rowOff + first + min(s.w, bt - 1u)]), valid);
      let e2 = quad_forward_backward(h, Quad(h.scratchOff + s * T4, r), norm);
      // sum in sample order, as the single-sample loop would
      sse += e2.x;
      if (valid.y) { sse += e2.y; }
      if (valid.z) { sse += e2.z; }
      if (valid.w) { sse += e2.w; }
    }
    SSE[lane] = sse;
    storageBarrier();
    workgroupBarrier();
    let k = bitcast<vec2f>(vec2u(MODELS[h.tabOff + 2u * step], MODELS[h.tabOff + 2u * step + 1u]));
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

// Predictions of model 0 for rows [SPAN.first, SPAN.first + SPAN.count) of X, into OUT[row].
@compute @workgroup_size(WG)
fn predict(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let h = header(0u);
  let end = SPAN.first + SPAN.count;
  for (var r = SPAN.first + gid.x; r < end; r += nwg.x * WG) { OUT[r] = predict_row(h, r); }
}
