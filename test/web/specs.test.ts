import { compile } from "vega-lite";
import { parse, View } from "vega";
import { describe, expect, it } from "vitest";
import * as specs from "../../web/app/specs.js";

// Every dashboard chart, compiled by Vega-Lite and rendered by Vega to SVG in Node: no browser needed to know a
// spec is valid, titled, labelled and has a legend where colour carries meaning.
const roi = [
  { segment: "A", tactic: "email", roi: 2, lower: 1, upper: 3, status: "put money here" },
  { segment: "A", tactic: "phone", roi: -1, lower: -2, upper: -0.5, status: "stop" },
  { segment: "B", tactic: "email", roi: 0.5, lower: -1, upper: 2, status: "not significant" },
];
const cases: [string, Record<string, unknown>, number][] = [
  ["roiTableSpec", specs.roiTableSpec(roi, { target: "sales" }), 3],
  ["intervalBarsSpec", specs.intervalBarsSpec([{ segment: "A", channel: "tv", value: 2, lower: 1, upper: 3 }], { title: "ROI", axis: "sales per $1" }), 1],
  [
    "contributionSpec",
    specs.contributionSpec(
      [
        { date: "2024-01-01", component: "baseline", order: 0, value: 10 },
        { date: "2024-01-01", component: "tv", order: 1, value: 3 },
        { date: "2024-01-08", component: "baseline", order: 0, value: 11 },
        { date: "2024-01-08", component: "tv", order: 1, value: 2 },
      ],
      { target: "sales", period: "week" },
    ),
    2,
  ],
  ["shareSpec", specs.shareSpec([{ channel: "tv", measure: "share of spend", share: 0.4 }]), 1],
  [
    "curvesSpec",
    specs.curvesSpec([
      { channel: "tv", kind: "observed", min: 2, max: 8 },
      { channel: "tv", kind: "curve", spend: 0, response: 0, lower: 0, upper: 0 },
      { channel: "tv", kind: "curve", spend: 10, response: 5, lower: 4, upper: 6 },
      { channel: "tv", kind: "current", spend: 5, response: 3 },
    ]),
    4,
  ],
  [
    "fanSpec",
    specs.fanSpec([
      { date: "2024-01-01", series: "actual", value: 3 },
      { date: "2024-01-01", series: "backtest forecast", value: 2.5 },
      { date: "2024-01-02", series: "forecast median", value: 3, lower: 2, upper: 4 },
    ]),
    3,
  ],
  ["allocationSpec", specs.allocationSpec([{ line: "tv / A", plan: "current", spend: 5 }]), 1],
  ["periodsSpec", specs.periodsSpec([{ period: 1, line: "tv / A", spend: 5 }]), 1],
  ["whatIfSpec", specs.whatIfSpec([{ line: "tv / A", plan: "what-if", incremental: 5, lower: 4, upper: 6 }]), 1],
];

/** Items of the chart's non-axis, non-legend marks (bars, rules, points, areas, lines) in a rendered view. */
function markItems(view: View): number {
  let n = 0;
  const walk = (node: any) => {
    if (!node) return;
    const role = node.role ?? "";
    if (node.marktype && node.marktype !== "group" && node.marktype !== "text" && !/axis|legend|title|frame/.test(role)) n += node.items?.length ?? 0;
    for (const item of node.items ?? []) for (const child of item.items ?? []) walk(child);
  };
  walk((view.scenegraph() as any).root);
  return n;
}

describe("dashboard chart specs", () => {
  it.each(cases)(
    "When %s is compiled and rendered, then it has a title, axis titles, no warnings, and its marks carry the rows",
    async (_name, spec, marks) => {
      const warnings: string[] = [];
      const logger = {
        level: () => logger,
        error: (...m: unknown[]) => warnings.push(m.join(" ")),
        warn: (...m: unknown[]) => warnings.push(m.join(" ")),
        info: () => logger,
        debug: () => logger,
      };
      const vg = compile(spec as never, { logger: logger as never }).spec;
      // Vega-Lite says this for every step-height chart filling its container's width: it drops a y fit the chart
      // never asked for (the compiled autosize is fit-x either way)
      expect(warnings.filter((w) => w !== 'Dropping "fit-y" because spec has discrete height.')).toEqual([]);
      expect(spec.title).toBeTruthy();
      expect(spec.description).toBeTruthy();
      const view = new View(parse(vg), { renderer: "none" });
      const svg = await view.toSVG();
      view.finalize();
      expect(svg).toContain(String(spec.title));
      // axis titles are in the SVG (each chart names what its axes measure, with units where there are any)
      const titles = [...svg.matchAll(/role-axis-title"[\s\S]*?<text[^>]*>([^<]+)</g)].map((m) => m[1]);
      expect(titles.length).toBeGreaterThanOrEqual(2);
      // one mark item per row (or per group of rows, for areas and lines) in the scenegraph
      expect(markItems(view)).toBeGreaterThanOrEqual(marks);
    },
  );

  it("When status colours a ROI chart, then its legend names the three readings", async () => {
    const vg = compile(specs.roiTableSpec(roi) as never).spec;
    const view = new View(parse(vg), { renderer: "none" });
    const svg = await view.toSVG();
    for (const reading of ["put money here", "not significant", "stop"]) expect(svg).toContain(reading);
  });
});
