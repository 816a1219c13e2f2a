import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/**
 * The bytes of a dependency's WebAssembly file, for wasm-bindgen packages whose `initSync` wants them (their
 * default loader fetches a file: URL, which Node 20's fetch refuses). Loading a library's code, like an import:
 * the pure core may call it without touching user data or the file system otherwise.
 * `entry` is the package's JS export (e.g. "@bsull/augurs/mstl"); `file` the wasm beside it.
 */
export function packageWasm(entry: string, file: string): Uint8Array {
  const js = createRequire(import.meta.url).resolve(entry);
  return readFileSync(js.slice(0, js.lastIndexOf("/") + 1) + file);
}
