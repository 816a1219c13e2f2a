import { ModelFitError } from "../../errors.ts";
import { baselineFeatures, type SeasonalityMode } from "./features.ts";
import type { MmmInput } from "./types.ts";

export interface RowLayout {
  /** Segments as contiguous row ranges of the input [from, to). One, named "", without groups. */
  readonly segments: readonly { readonly name: string; readonly from: number; readonly to: number; readonly holdout: number }[];
  /** order[k] = the input row that is row k of the fit: every segment's fitting rows, then their held-out rows. */
  readonly order: readonly number[];
  readonly holdoutPeriods: number;
}

export function rowLayout(input: MmmInput, holdout: number): RowLayout {
  const n = input.dates.length;
  const segments: { name: string; from: number; to: number; holdout: number }[] = [];
  const labels = input.groups;
  if (labels && labels.length !== n) throw new ModelFitError(`groups has ${labels.length} labels for ${n} rows.`);
  for (let i = 0; i < n; i++) {
    const name = labels?.[i] ?? "";
    const last = segments[segments.length - 1];
    if (last && last.name === name) last.to = i + 1;
    else {
      if (segments.some((g) => g.name === name)) throw new ModelFitError(`The rows of segment ${name} are not contiguous.`);
      segments.push({ name, from: i, to: i + 1, holdout: 0 });
    }
  }
  for (const g of segments) g.holdout = Math.floor((g.to - g.from) * holdout);
  const fit = segments.flatMap((g) => Array.from({ length: g.to - g.from - g.holdout }, (_, k) => g.from + k));
  const held = segments.flatMap((g) => Array.from({ length: g.holdout }, (_, k) => g.to - g.holdout + k));
  return { segments, order: [...fit, ...held], holdoutPeriods: held.length };
}

/**
 * Baseline columns, reordered like the rows. Pooled: each segment gets its own trend and seasonality columns (zero
 * on other segments' rows) and, beyond the first, an intercept shift; controls are shared.
 */
export function baselineColumns(
  input: MmmInput,
  layout: RowLayout,
  frequency: "D" | "W",
  yearlyOrder: number,
  mode: SeasonalityMode | undefined,
  perm: (a: ArrayLike<number>) => Float64Array,
) {
  const controls = input.controls ?? {};
  if (layout.segments.length === 1) {
    const b = baselineFeatures(input.dates, frequency, yearlyOrder, controls, mode);
    return { ...b, columns: b.columns.map(perm) };
  }
  const n = input.dates.length;
  const names: string[] = [];
  const columns: Float64Array[] = [];
  const groups: ("trend" | "seasonality" | "control")[] = [];
  layout.segments.forEach((g, gi) => {
    const b = baselineFeatures(input.dates.slice(g.from, g.to), frequency, yearlyOrder, {}, mode);
    if (gi > 0) {
      names.push(`segment[T.${g.name}]`);
      groups.push("control");
      columns.push(Float64Array.from({ length: n }, (_, i) => (i >= g.from && i < g.to ? 1 : 0)));
    }
    b.columns.forEach((c, j) => {
      const col = new Float64Array(n);
      col.set(c, g.from);
      names.push(`${g.name}:${b.names[j]}`);
      groups.push(b.groups[j]!);
      columns.push(col);
    });
  });
  for (const [name, v] of Object.entries(controls)) {
    names.push(name);
    groups.push("control");
    columns.push(Float64Array.from(v));
  }
  return { names, groups, columns: columns.map(perm) };
}
