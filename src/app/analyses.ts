import type { z } from "zod";
import type { Dataset } from "../data/types.ts";
import { ValidationError } from "../errors.ts";
import { oneWayAnova, tukeyHsd } from "../regression/classic/anova.ts";
import { chiSquareIndependence } from "../regression/classic/contingency.ts";
import { correlationMatrix } from "../regression/classic/correlation.ts";
import { crossTab, groupedValues, numericValues } from "../regression/classic/from-dataset.ts";
import { pairedTTest, welchTTest } from "../regression/classic/ttest.ts";
import type { ChiSquareRequest, CorrelationRequest, GroupAnalysisRequest, TTestRequest } from "./schemas.ts";

// The classic analyses as HTTP and the CLI both run them: the request checked against the data, the pure core
// called. (Proportions, k-means and logit need no more than their core function.)

export function anova(ds: Dataset, body: z.infer<typeof GroupAnalysisRequest>) {
  return oneWayAnova(groupedValues(ds, body.value, body.group), body.alpha);
}

/** Tukey's pairs, with the ANOVA they follow from. */
export function tukey(ds: Dataset, body: z.infer<typeof GroupAnalysisRequest>) {
  const groups = groupedValues(ds, body.value, body.group);
  return { anova: oneWayAnova(groups, body.alpha), ...tukeyHsd(groups, body.alpha) };
}

export function tTest(ds: Dataset, body: z.infer<typeof TTestRequest>) {
  if (body.kind === "paired") {
    const a = numericValues(ds, body.a, "a");
    const b = numericValues(ds, body.b, "b");
    const rows = a.flatMap((x, i) => (x !== null && b[i] !== null ? [i] : []));
    return pairedTTest(
      rows.map((i) => a[i]!),
      rows.map((i) => b[i]!),
      body.alpha,
    );
  }
  const groups = groupedValues(ds, body.value, body.group);
  for (const f of ["a", "b"] as const) {
    if (!groups.has(body[f])) {
      throw new ValidationError(`${f}: "${body[f]}" is not a level of ${body.group} (levels: ${[...groups.keys()].join(", ")}).`, [
        { path: ["body", f], message: "unknown level", value: body[f] },
      ]);
    }
  }
  return welchTTest(groups.get(body.a)!, groups.get(body.b)!, body.alpha);
}

/** From two category columns of a dataset, or from a table of counts (no dataset). */
/** `ds` is the dataset `body.datasetId` names (undefined when the body gives a table of counts). */
export function chiSquare(ds: Dataset | undefined, body: z.infer<typeof ChiSquareRequest>) {
  if ("table" in body) {
    const width = body.table[0]!.length;
    if (body.table.some((r) => r.length !== width))
      throw new ValidationError("table: every row must have the same number of counts.", [{ path: ["body", "table"], message: "ragged table" }]);
    const rows = body.rowLabels ?? body.table.map((_, i) => `row ${i + 1}`);
    const cols = body.colLabels ?? body.table[0]!.map((_, j) => `col ${j + 1}`);
    return chiSquareIndependence(rows, cols, body.table, { correction: body.correction, alpha: body.alpha });
  }
  const t = crossTab(ds!, body.rows, body.cols);
  return chiSquareIndependence(t.rows, t.cols, t.table, { correction: body.correction, alpha: body.alpha });
}

/** The named columns, or every numeric one. */
export function correlation(ds: Dataset, body: z.infer<typeof CorrelationRequest>) {
  const names = body.columns ?? ds.columns.filter((c) => c.type === "number" || c.type === "integer").map((c) => c.name);
  return correlationMatrix(
    names.map((n, i) => ({ name: n, values: numericValues(ds, n, `columns.${i}`) })),
    body.method,
  );
}
