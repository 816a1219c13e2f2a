import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { createNetwork, forward, networkVariables, type Network } from "../../src/forecast/network.ts";
import { expectAllClose } from "../helpers/all-close.ts";

/** The LSTM equations in plain tfjs ops, differentiated by tfjs autodiff: the reference for the hand-derived BPTT. */
function referenceForward(net: Network, x: tf.Tensor3D, head: tf.Tensor2D | null): tf.Tensor2D {
  const [batch, steps] = x.shape;
  const u = net.shape.units;
  let h: tf.Tensor2D = tf.zeros([batch, u]);
  let c: tf.Tensor2D = tf.zeros([batch, u]);
  for (let t = 0; t < steps; t++) {
    const xt = tf.squeeze(tf.slice(x, [0, t, 0], [batch, 1, -1]), [1]) as tf.Tensor2D;
    const z = tf.add(tf.add(tf.matMul(xt, net.wx), tf.matMul(h, net.wh)), net.b);
    const [zi, zf, zo, zg] = tf.split(z, 4, 1);
    c = tf.add(tf.mul(tf.sigmoid(zf!), c), tf.mul(tf.sigmoid(zi!), tf.tanh(zg!)));
    h = tf.mul(tf.sigmoid(zo!), tf.tanh(c));
  }
  return tf.add(tf.matMul(tf.concat([h, head!], 1), net.wo), net.bo);
}

describe("LSTM network with hand-derived backpropagation through time", () => {
  it("When outputs and gradients are compared with tfjs autodiff of the plain LSTM equations, then they agree to 1e-4", () => {
    const net = createNetwork({ lookback: 6, features: 3, units: 5, headInputs: 2, outputs: 4 }, 11);
    const x = tf.randomNormal([7, 6, 3], 0, 1, "float32", 1) as tf.Tensor3D;
    const head = tf.randomNormal([7, 2], 0, 1, "float32", 2) as tf.Tensor2D;
    const weights = tf.randomNormal([7, 4], 0, 1, "float32", 3);
    const vars = networkVariables(net);
    const loss = (f: typeof forward) => () => tf.sum(tf.mul(f(net, x, head), weights)) as tf.Scalar;
    const ours = tf.variableGrads(loss(forward), vars);
    const ref = tf.variableGrads(loss(referenceForward), vars);
    expectAllClose([ours.value.dataSync()[0]!], [ref.value.dataSync()[0]!], { rtol: 1e-5 });
    for (const v of vars) {
      const a = Array.from(ours.grads[v.name]!.dataSync());
      const b = Array.from(ref.grads[v.name]!.dataSync());
      expect(
        a.some((g) => g !== 0),
        v.name,
      ).toBe(true);
      expectAllClose(a, b, { rtol: 1e-4, atol: 1e-5 });
    }
    tf.dispose([x, head, weights, ours.value, ref.value, ...Object.values(ours.grads), ...Object.values(ref.grads), ...vars]);
  });
});
