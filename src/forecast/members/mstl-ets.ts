import { initSync, MSTL } from "@bsull/augurs/mstl";
import { packageWasm } from "../../runtime/wasm.ts";

// augurs ships wasm-bindgen modules that need their wasm instantiated once before use
let ready = false;
function init(): void {
  if (ready) return;
  initSync({ module: packageWasm("@bsull/augurs/mstl", "mstl_bg.wasm") });
  ready = true;
}

/**
 * MSTL decomposition (Bandara, Hyndman & Bergmeir 2021) with an AutoETS forecast of the seasonally adjusted part,
 * from augurs (Grafana's Rust port of statsforecast's MSTL): what statsforecast's `MSTL(season_length=[7, 365])`
 * does. `periods` [7] is weekly seasonality with an ETS trend; [7, 365] adds the yearly season (needs two years).
 * augurs' own AutoETS finds no seasonal model (checked), which is why ETS runs on the deseasonalised series here.
 */
export function mstlEtsForecast(y: readonly number[], horizon: number, periods: readonly number[]): number[] | null {
  if (y.length < 2 * Math.max(...periods) + 1) return null;
  init();
  const model = MSTL.ets(Uint32Array.from(periods));
  try {
    model.fit(Float64Array.from(y));
    return model.predict(horizon).point;
  } finally {
    model.free();
  }
}
