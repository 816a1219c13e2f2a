/**
 * A shard's result travels to its parent through Redis as JSON (BullMQ's return values), where a Uint8Array would
 * become an object with a key per byte: bytes go as base64 and come back as bytes.
 */
export function toWire(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  if (Array.isArray(value)) return value.map(toWire);
  // plain objects only: anything else (a Date, another typed array) goes as JSON would send it
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)]));
  return value;
}

export function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (typeof o.$bytes === "string" && Object.keys(o).length === 1) return new Uint8Array(Buffer.from(o.$bytes, "base64"));
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fromWire(v)]));
  }
  return value;
}
