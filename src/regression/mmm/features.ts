import { epochDay } from "../../data/parse-cell.ts";

/**
 * Changepoints of a piecewise-linear trend, in years from the first date: one every `every` days over the first
 * 80% of the fitting rows (Prophet's changepoint_range), none when the window is shorter than two intervals.
 */
export function trendChangepoints(dates: readonly string[], fitRows: number, every: number): number[] {
  const span = (epochDay(dates[Math.max(0, Math.floor(0.8 * fitRows) - 1)]!) - epochDay(dates[0]!)) / every;
  return Array.from({ length: Math.max(0, Math.floor(span)) }, (_, k) => ((k + 1) * every) / 365.25);
}

/**
 * Baseline regressors for a marketing-mix model: a linear trend (piecewise with changepoints), day-of-week effects (daily data), yearly Fourier
 * terms (Prophet's seasonality), and given controls. Named, column-major.
 */
export interface BaselineFeatures {
  readonly names: string[];
  readonly columns: Float64Array[];
  /** Which named group each column belongs to, for the decomposition. */
  readonly groups: ("trend" | "seasonality" | "control")[];
}

/**
 * "additive": baseline = level + trend + weekly + yearly. "multiplicative" (Prophet's mode): the weekly and
 * yearly cycles scale with the level, so a growing business has a growing weekly swing; expanded to first order as
 * interactions of the day-of-week and Fourier columns with the trend and with each other.
 */
export type SeasonalityMode = "additive" | "multiplicative";

export function baselineFeatures(
  dates: readonly string[],
  frequency: "D" | "W",
  yearlyOrder: number,
  controls: Readonly<Record<string, readonly number[]>>,
  mode: SeasonalityMode = "multiplicative",
  changepoints: readonly number[] = [],
): BaselineFeatures {
  const n = dates.length;
  const days = dates.map(epochDay);
  const t0 = days[0]!;
  const names: string[] = [];
  const columns: Float64Array[] = [];
  const groups: BaselineFeatures["groups"] = [];
  const add = (name: string, group: BaselineFeatures["groups"][number], col: Float64Array) => {
    names.push(name);
    columns.push(col);
    groups.push(group);
  };
  // trend in years, so its coefficient reads as "per year"
  add(
    "trend",
    "trend",
    Float64Array.from(days, (d) => (d - t0) / 365.25),
  );
  // Prophet's changepoints: the slope may change at each (in years from the start), max(0, t − c)
  changepoints.forEach((c, k) =>
    add(
      `trend_change_${k + 1}`,
      "trend",
      Float64Array.from(days, (d) => Math.max(0, (d - t0) / 365.25 - c)),
    ),
  );
  if (frequency === "D") {
    // Monday is the reference; 1970-01-01 was a Thursday
    for (let dow = 1; dow < 7; dow++)
      add(
        `dow_${dow}`,
        "seasonality",
        Float64Array.from(days, (d) => ((d + 3) % 7 === dow ? 1 : 0)),
      );
  }
  for (let k = 1; k <= yearlyOrder; k++) {
    add(
      `yearly_sin_${k}`,
      "seasonality",
      Float64Array.from(days, (d) => Math.sin((2 * Math.PI * k * d) / 365.25)),
    );
    add(
      `yearly_cos_${k}`,
      "seasonality",
      Float64Array.from(days, (d) => Math.cos((2 * Math.PI * k * d) / 365.25)),
    );
  }
  if (mode === "multiplicative") {
    const trend = columns[0]!;
    const seasonal = columns.slice(1 + changepoints.length);
    const seasonalNames = names.slice(1 + changepoints.length);
    const dowCount = frequency === "D" ? 6 : 0;
    seasonal.forEach((col, j) =>
      add(
        `${seasonalNames[j]}:trend`,
        "seasonality",
        col.map((v, i) => v * trend[i]!),
      ),
    );
    // weekly × yearly: each day of week follows the yearly cycle in proportion
    for (let a = 0; a < dowCount; a++) {
      for (let b = dowCount; b < seasonal.length; b++) {
        add(
          `${seasonalNames[a]}:${seasonalNames[b]}`,
          "seasonality",
          seasonal[a]!.map((v, i) => v * seasonal[b]![i]!),
        );
      }
    }
  }
  for (const [name, values] of Object.entries(controls)) add(name, "control", Float64Array.from(values));
  if (columns.some((c) => c.length !== n)) throw new Error("feature length mismatch");
  return { names, columns, groups };
}
