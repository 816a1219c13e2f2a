import { describe, expect, it } from "vitest";
import { fromWire, toWire } from "../../src/queue/wire.ts";

describe("shard results through Redis", () => {
  it("When a result holds bytes, then after JSON they come back as the same bytes; everything else as JSON sends it", () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const value = { networks: [{ series: 100, saved: { shapes: [[1, 2]], weightData: bytes.subarray(1, 4) } }], when: new Date(0), n: null };
    const back = fromWire(JSON.parse(JSON.stringify(toWire(value)))) as typeof value;
    expect(back.networks[0]!.saved.weightData).toEqual(new Uint8Array([1, 2, 250]));
    expect(back.networks[0]!.saved.shapes).toEqual([[1, 2]]);
    expect(back.when).toBe("1970-01-01T00:00:00.000Z");
    expect(back.n).toBeNull();
    // without it, JSON would have sent the bytes as an object with a key per byte
    expect(JSON.parse(JSON.stringify(value)).networks[0].saved.weightData).toEqual({ 0: 1, 1: 2, 2: 250 });
  });
});
