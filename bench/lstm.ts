// The issue's LSTM training benchmark with mixcast's network (src/forecast/network.ts): lookback 28, 5 features,
// LSTM(64), Dense(90), Adam(0.01), MSE, batch 32, 10 epochs, on ../shared/oracles/lstm-bench/data.json (made by
// its gen_data.js). Compare with that directory's results.md (tfjs-layers wasm 11.05 s, PyTorch 1 thread 0.96 s).
import * as tf from "@tensorflow/tfjs";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { seededRng } from "../src/data/random.ts";
import { createNetwork, forward, networkVariables } from "../src/forecast/network.ts";
import { selectTfBackend } from "../src/forecast/tf-backend.ts";

export async function benchLstm(): Promise<void> {
  const file = new URL("../../shared/oracles/lstm-bench/data.json", import.meta.url);
  if (!existsSync(file)) {
    console.log("LSTM benchmark skipped: run node ../shared/oracles/lstm-bench/gen_data.js first");
    return;
  }
  const backend = (await selectTfBackend()).backend;
  const { features } = JSON.parse(readFileSync(file, "utf8")) as { features: number[][] };
  const L = 28,
    H = 90,
    F = 5,
    N = features.length;
  const mean = Array<number>(F).fill(0),
    sd = Array<number>(F).fill(0);
  for (const r of features) r.forEach((v, j) => (mean[j]! += v / N));
  for (const r of features) r.forEach((v, j) => (sd[j]! += (v - mean[j]!) ** 2 / N));
  const z = features.map((r) => r.map((v, j) => (v - mean[j]!) / Math.sqrt(sd[j]!)));
  const nS = N - L - H + 1;
  const xb = new Float32Array(nS * L * F),
    yb = new Float32Array(nS * H);
  for (let i = 0; i < nS; i++) {
    for (let t = 0; t < L; t++) for (let j = 0; j < F; j++) xb[(i * L + t) * F + j] = z[i + t]![j]!;
    for (let h = 0; h < H; h++) yb[i * H + h] = z[i + L + h]![0]!;
  }
  const net = createNetwork({ lookback: L, features: F, units: 64, headInputs: 0, outputs: H }, 1);
  const optimizer = tf.train.adam(0.01);
  const rng = seededRng(1);
  const t0 = performance.now();
  let last = 0;
  for (let epoch = 0; epoch < 10; epoch++) {
    const order = Array.from({ length: nS }, (_, i) => i).sort(() => rng.uniform() - 0.5);
    let total = 0;
    for (let s = 0; s < nS; s += 32) {
      const idx = order.slice(s, s + 32);
      const xs = new Float32Array(idx.length * L * F),
        ys = new Float32Array(idx.length * H);
      idx.forEach((k, r) => (xs.set(xb.subarray(k * L * F, (k + 1) * L * F), r * L * F), ys.set(yb.subarray(k * H, (k + 1) * H), r * H)));
      const loss = tf.tidy(() => {
        const x = tf.tensor3d(xs, [idx.length, L, F]);
        const y = tf.tensor2d(ys, [idx.length, H]);
        return optimizer.minimize(() => tf.losses.meanSquaredError(y, forward(net, x, null)) as tf.Scalar, true, networkVariables(net))!;
      });
      total += loss.dataSync()[0]! * idx.length;
      loss.dispose();
    }
    last = total / nS;
  }
  const s = (performance.now() - t0) / 1000;
  tf.dispose(networkVariables(net));
  const torch = pytorchSeconds();
  const ref = torch ?? { seconds: 0.96, source: "../shared/oracles/lstm-bench/results.md (python3-torch not installed here)" };
  console.log(`${`LSTM(64) 10 epochs, batch 32, ${nS} windows (${backend})`.padEnd(52)} ${s.toFixed(2).padStart(8)} s  final loss ${last.toFixed(4)}`);
  console.log(`${"PyTorch, same model, 1 thread".padEnd(52)} ${ref.seconds.toFixed(2).padStart(8)} s  (${ref.source}); ratio ${(s / ref.seconds).toFixed(2)}x`);
}

/** The PyTorch reference on this machine (median of 3 fresh processes), when Debian's python3-torch is installed. */
function pytorchSeconds(): { seconds: number; source: string } | null {
  const script = new URL("../../shared/oracles/lstm-bench/lstm_torch.py", import.meta.url).pathname;
  if (!existsSync(script)) return null;
  try {
    const runs = [0, 1, 2].map(
      () =>
        JSON.parse(
          execFileSync("/usr/bin/python3", [script, "--batch", "32", "--threads", "1"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
            .trim()
            .split("\n")
            .at(-1)!,
        ) as { fit_s: number; torch: string },
    );
    const sorted = runs.map((r) => r.fit_s).sort((a, b) => a - b);
    return { seconds: sorted[1]!, source: `torch ${runs[0]!.torch}, measured now, median of 3` };
  } catch {
    return null;
  }
}

if (process.argv[1]?.endsWith("lstm.ts")) await benchLstm();
