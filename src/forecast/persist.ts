import * as tf from "@tensorflow/tfjs";
import type { TrainedLstm, TrainedVariant } from "./lstm-model.ts";
import type { Network } from "./network.ts";

const WEIGHT_NAMES = ["wx", "wh", "b", "wo", "bo"] as const;

/** A trained LSTM as storable parts: plain JSON plus tfjs's weight format (tf.io weight specs and one buffer). */
export interface SavedLstm {
  readonly members: readonly Omit<TrainedVariant, "network" | "history">[];
  readonly shapes: readonly Network["shape"][];
  readonly weightSpecs: tf.io.WeightsManifestEntry[];
  readonly weightData: Uint8Array;
}

/**
 * Encode a trained ensemble with tf.io.encodeWeights, the encoding tfjs's own IO handlers store (float32, in
 * declaration order). Training history is left out: it is in the forecast's result.
 */
export async function saveLstm(model: TrainedLstm): Promise<SavedLstm> {
  const named: tf.NamedTensorMap = Object.fromEntries(model.members.flatMap((m, i) => WEIGHT_NAMES.map((w) => [`member${i}/${w}`, m.network[w]])));
  const { data, specs } = await tf.io.encodeWeights(named);
  return {
    members: model.members.map(({ network: _n, history: _h, ...rest }) => rest),
    shapes: model.members.map((m) => m.network.shape),
    weightSpecs: specs,
    weightData: new Uint8Array(data as ArrayBuffer),
  };
}

/** Rebuild a trained ensemble from `saveLstm`'s parts; the caller disposes it (disposeLstm). */
export function restoreLstm(saved: SavedLstm): TrainedLstm {
  // copy into a fresh, exactly sized buffer: a stored Uint8Array may be a view into a larger one
  const buffer = saved.weightData.slice().buffer;
  const tensors = tf.io.decodeWeights(buffer, saved.weightSpecs);
  const members = saved.members.map((m, i): TrainedVariant => {
    const get = (w: (typeof WEIGHT_NAMES)[number]) => {
      const t = tensors[`member${i}/${w}`];
      if (!t) throw new Error(`Stored forecast model is missing weight member${i}/${w}.`);
      return tf.variable(t);
    };
    const network = { shape: saved.shapes[i]!, wx: get("wx"), wh: get("wh"), b: get("b"), wo: get("wo"), bo: get("bo") } as Network;
    return { ...m, network, history: { epochs: 0, bestEpoch: 0, loss: [], valLoss: [] } };
  });
  tf.dispose(Object.values(tensors));
  return { members };
}
