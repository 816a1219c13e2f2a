import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { selectTfBackend } from "../../src/forecast/tf-backend.ts";

describe("TensorFlow.js backend choice", () => {
  it("When chosen automatically, then the backend named is the one tfjs runs on, and native is only claimed when it registers", async () => {
    const choice = await selectTfBackend("auto");
    expect(tf.getBackend()).toBe(choice.backend);
    expect(["tensorflow", "wasm"]).toContain(choice.backend); // wasm is installed by package.json: never silently cpu
    if (choice.backend !== "tensorflow") expect(choice.notes[0]).toMatch(/^tensorflow: /);
    // the backend computes
    const y = tf.tidy(() => tf.tensor1d([1, 2, 3]).square().sum().dataSync()[0]);
    expect(y).toBe(14);
  });

  it("When cpu is asked for, then cpu runs", async () => {
    expect((await selectTfBackend("cpu")).backend).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
  });
});
