import * as tf from "@tensorflow/tfjs";

/**
 * A one-layer LSTM encoder with a dense multi-horizon head, in tfjs ops with hand-derived backpropagation
 * through time, rather than tf.layers.lstm. Where tfjs-layers' time went (profiled on the wasm backend, the
 * issue's benchmark: 28 steps, 64 units, batch 32):
 *  - matMul with a transposed operand (what the default matMul gradient uses) ran 6-7x slower than a transpose
 *    and a plain matMul (600 µs vs 94 µs for 64x32 · 32x256);
 *  - the rest was per-op engine overhead: ~1,500 small kernels per batch, each taped, plus Identity and Cast
 *    kernels that autodiff adds, at 10-60 µs each, against ~80 µs of real work in a step's matMul.
 * So the recurrence is one tf.customGrad: the forward pass is 11 untaped ops a step; the backward pass
 * precomputes every gate derivative for all steps at once, leaves 5 ops a step for the recurrence, and forms the
 * weight gradient with one large matMul. Gate layout [input, forget, output, candidate], PyTorch's equations.
 * test/forecast/network.test.ts checks the gradients against tfjs autodiff of the plain equations.
 */
export interface NetworkShape {
  readonly lookback: number;
  /** Features per lookback step. */
  readonly features: number;
  readonly units: number;
  /** Extra inputs to the head besides the last hidden state (known future features). */
  readonly headInputs: number;
  readonly outputs: number;
}

export interface Network {
  readonly shape: NetworkShape;
  readonly wx: tf.Variable<tf.Rank.R2>;
  readonly wh: tf.Variable<tf.Rank.R2>;
  readonly b: tf.Variable<tf.Rank.R1>;
  readonly wo: tf.Variable<tf.Rank.R2>;
  readonly bo: tf.Variable<tf.Rank.R1>;
}

/** matMul whose gradient transposes explicitly (the wasm backend's transposed matMul is slow, see above). */
export const matMul = tf.customGrad((a, b, save) => {
  (save as tf.GradSaveFunc)([a as tf.Tensor2D, b as tf.Tensor2D]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy, saved) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy as tf.Tensor2D)];
    },
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/**
 * tf.unstack along the first (time) axis by copying out of one download: on the wasm backend Unpack and a
 * 28-way SplitV each took ~8 ms for [28, 32, 256] (~35 ns per element), a download and 28 uploads ~0.2 ms.
 */
function unstackSteps(x: tf.Tensor3D): tf.Tensor2D[] {
  const [steps, rows, cols] = x.shape;
  const data = x.dataSync() as Float32Array;
  const size = rows * cols;
  return Array.from({ length: steps }, (_, t) => tf.tensor2d(data.subarray(t * size, (t + 1) * size), [rows, cols]));
}

/**
 * The last hidden state of an LSTM run over `projected` = x·Wx + b, time-major ([steps, batch, 4·units]; rows of
 * one step are contiguous, which makes unstacking cheap), with recurrent
 * weights `wh` ([units, 4·units]), starting from zero state.
 */
export const lstmLastHidden = tf.customGrad((projectedIn, whIn, save) => {
  const projected = projectedIn as tf.Tensor3D;
  const wh = whIn as tf.Tensor2D;
  const [steps, batch, width] = projected.shape;
  const u = width / 4;
  const inputs = unstackSteps(projected);
  let h: tf.Tensor2D = tf.zeros([batch, u]);
  let c: tf.Tensor2D = tf.zeros([batch, u]);
  const seq = {
    i: [] as tf.Tensor[],
    f: [] as tf.Tensor[],
    o: [] as tf.Tensor[],
    g: [] as tf.Tensor[],
    cPrev: [] as tf.Tensor[],
    tc: [] as tf.Tensor[],
    hPrev: [] as tf.Tensor[],
  };
  // tanh(x) = 2·sigmoid(2x) − 1: the wasm Tanh kernel measured ~45 µs on [32, 64] against ~5 µs for Sigmoid, so
  // all four gates go through one Sigmoid, the candidate's pre-activation doubled.
  const gateScale = tf.concat([tf.ones([3 * u]), tf.fill([u], 2)]);
  const two = tf.scalar(2);
  const one = tf.scalar(1);
  const tanh = (x: tf.Tensor) => tf.sub(tf.mul(tf.sigmoid(tf.mul(x, two)), two), one);
  for (const xt of inputs) {
    const [i, f, o, sg] = tf.split(tf.sigmoid(tf.mul(tf.add(xt, tf.matMul(h, wh)), gateScale)), 4, 1) as tf.Tensor2D[];
    const g = tf.sub(tf.mul(sg!, two), one) as tf.Tensor2D;
    seq.cPrev.push(c);
    seq.hPrev.push(h);
    c = tf.add(tf.mul(f!, c), tf.mul(i!, g)) as tf.Tensor2D;
    const tc = tanh(c);
    h = tf.mul(o!, tc) as tf.Tensor2D;
    seq.i.push(i!), seq.f.push(f!), seq.o.push(o!), seq.g.push(g), seq.tc.push(tc);
  }
  // [steps, batch, units] each
  const stacked = [seq.i, seq.f, seq.o, seq.g, seq.cPrev, seq.tc, seq.hPrev].map((s) => tf.stack(s));
  (save as tf.GradSaveFunc)([...stacked, wh]);
  return {
    value: h,
    gradFunc: (dy, saved) => {
      const [I, F, O, G, Cprev, TC, Hprev, w] = saved as [
        tf.Tensor3D,
        tf.Tensor3D,
        tf.Tensor3D,
        tf.Tensor3D,
        tf.Tensor3D,
        tf.Tensor3D,
        tf.Tensor3D,
        tf.Tensor2D,
      ];
      const one = tf.scalar(1);
      const dSig = (s: tf.Tensor) => tf.mul(s, tf.sub(one, s));
      // dL/dc_t from dh_t through h = o·tanh(c)
      const A = unstackSteps(tf.mul(O, tf.sub(one, tf.square(TC))));
      // dz = [dc·g·σ'(i), dc·c_{t-1}·σ'(f), dh·tanh(c)·σ'(o), dc·i·(1 − g²)]
      const K = unstackSteps(
        tf.concat([tf.mul(G, dSig(I)), tf.mul(Cprev, dSig(F)), tf.mul(TC, dSig(O)), tf.mul(I, tf.sub(one, tf.square(G)))], 2) as tf.Tensor3D,
      );
      const Fs = unstackSteps(F);
      const whT = tf.transpose(w);
      let dh = dy as tf.Tensor2D;
      let dcNext: tf.Tensor2D | null = null;
      const dz: tf.Tensor2D[] = new Array(steps);
      for (let t = steps - 1; t >= 0; t--) {
        const fromH = tf.mul(dh, A[t]!);
        const dc = dcNext ? tf.add(fromH, dcNext) : fromH;
        dz[t] = tf.mul(tf.concat([dc, dc, dh, dc], 1), K[t]!) as tf.Tensor2D;
        dcNext = tf.mul(dc, Fs[t]!) as tf.Tensor2D;
        dh = tf.matMul(dz[t]!, whT);
      }
      const dzTime = tf.stack(dz) as tf.Tensor3D; // [steps, batch, 4u]
      const dWh = tf.matMul(tf.transpose(tf.reshape(Hprev, [steps * batch, u])), tf.reshape(dzTime, [steps * batch, width]));
      return [dzTime, dWh];
    },
  };
}) as (projected: tf.Tensor3D, wh: tf.Tensor2D) => tf.Tensor2D;

export function createNetwork(shape: NetworkShape, seed: number): Network {
  const u = shape.units;
  const glorot = (fanIn: number, fanOut: number, s: number) => tf.initializers.glorotUniform({ seed: s }).apply([fanIn, fanOut]) as tf.Tensor2D;
  // forget-gate bias 1 (Jozefowicz et al. 2015): gradients flow through the cell state from the start
  const init = {
    wx: glorot(shape.features, 4 * u, seed),
    wh: tf.initializers.orthogonal({ seed: seed + 1 }).apply([u, 4 * u]) as tf.Tensor2D,
    b: tf.tidy(() => tf.concat([tf.zeros([u]), tf.ones([u]), tf.zeros([2 * u])]) as tf.Tensor1D),
    wo: glorot(u + shape.headInputs, shape.outputs, seed + 2),
    bo: tf.zeros([shape.outputs]) as tf.Tensor1D,
  };
  const net = { shape, wx: tf.variable(init.wx), wh: tf.variable(init.wh), b: tf.variable(init.b), wo: tf.variable(init.wo), bo: tf.variable(init.bo) };
  tf.dispose(Object.values(init));
  return net;
}

export function networkVariables(net: Network): tf.Variable[] {
  return [net.wx, net.wh, net.b, net.wo, net.bo];
}

/** x: [batch, lookback, features]; head: [batch, headInputs] or null. Returns [batch, outputs]. */
export function forward(net: Network, x: tf.Tensor3D, head: tf.Tensor2D | null): tf.Tensor2D {
  const [batch, steps, features] = x.shape;
  const timeMajor = tf.reshape(tf.transpose(x, [1, 0, 2]), [steps * batch, features]) as tf.Tensor2D;
  const projected = tf.add(matMul(timeMajor, net.wx), net.b).reshape([steps, batch, 4 * net.shape.units]) as tf.Tensor3D;
  const h = lstmLastHidden(projected, net.wh);
  return tf.add(matMul(head ? tf.concat([h, head], 1) : h, net.wo), net.bo) as tf.Tensor2D;
}
