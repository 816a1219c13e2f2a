import * as tf from "@tensorflow/tfjs";

export type TfBackendName = "tensorflow" | "wasm" | "cpu";
export type TfBackendPreference = "auto" | TfBackendName;

export interface TfBackendChoice {
  /** The backend tfjs actually runs on, read back with tf.getBackend(). */
  readonly backend: TfBackendName;
  /** Why each faster backend was not used. */
  readonly notes: readonly string[];
}

/**
 * Choose the fastest TensorFlow.js backend that really works here: native `tensorflow` (tfjs-node, when it is
 * installed with its libtensorflow), else `wasm` (single-threaded under Node, ~5x faster than cpu for an LSTM),
 * else the pure-JS `cpu`. tfjs falls back silently when a backend fails to initialise, so each choice is checked
 * with tf.getBackend() after setting it.
 */
export async function selectTfBackend(preference: TfBackendPreference = "auto"): Promise<TfBackendChoice> {
  const notes: string[] = [];
  const order: TfBackendName[] = preference === "auto" ? ["tensorflow", "wasm", "cpu"] : [preference, "cpu"];
  for (const name of order) {
    const why = await tryBackend(name);
    if (why === undefined) return { backend: name, notes };
    notes.push(`${name}: ${why}`);
  }
  throw new Error(`No TensorFlow.js backend could start: ${notes.join("; ")}`);
}

async function tryBackend(name: TfBackendName): Promise<string | undefined> {
  try {
    if (name === "tensorflow") {
      // The package name may be aliased to plain tfjs (danfojs-node's install needs that): only a registered
      // "tensorflow" backend proves the native binding is there.
      const mod = "@tensorflow/tfjs-node";
      await import(/* @vite-ignore */ mod);
      if (!tf.findBackendFactory("tensorflow")) return "@tensorflow/tfjs-node is not installed with its native binding";
    }
    if (name === "wasm") await import("@tensorflow/tfjs-backend-wasm");
    const ok = await tf.setBackend(name);
    await tf.ready();
    if (!ok || tf.getBackend() !== name) return `setBackend('${name}') fell back to ${tf.getBackend()}`;
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message.split("\n")[0] : String(e);
  }
}
