// Vega-Lite specs for every chart: pure functions of plain rows, so they are unit-tested without a browser
// (test/web/specs.test.ts compiles each and renders it to SVG). Each has a title, axis titles with units, a legend
// where colour carries meaning, and a description that becomes the chart's ARIA label.

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const base = (title, description) => ({
  $schema: SCHEMA,
  title,
  description,
  width: "container",
  config: { view: { stroke: null }, axis: { labelLimit: 160 } },
});

/**
 * ROI per $1 per tactic and segment, bars with interval whiskers; not significant greyed, "stop" marked.
 * rows: {segment, tactic, roi, lower, upper, status: "put money here" | "not significant" | "stop"}; each bar is
 * labelled "segment · tactic".
 */
export function roiTableSpec(rows, { target = "target" } = {}) {
  return {
    ...base("Return per $1 by tactic and segment", `Bars: ${target} per $1 of each tactic, whiskers its confidence interval`),
    data: { values: rows.map((r) => ({ ...r, label: `${r.segment} · ${r.tactic}` })) },
    height: { step: 18 },
    encoding: { y: { field: "label", type: "nominal", title: "Segment · tactic", sort: null } },
    layer: [
      {
        mark: { type: "bar", tooltip: true },
        encoding: {
          x: { field: "roi", type: "quantitative", title: `${target} per $1 (ROI)` },
          color: {
            field: "status",
            type: "nominal",
            title: "Reading",
            scale: { domain: ["put money here", "not significant", "stop"], range: ["#0b5cad", "#b7bdc4", "#a40e26"] },
          },
        },
      },
      { mark: { type: "rule", color: "#1b1f24" }, encoding: { x: { field: "lower", type: "quantitative" }, x2: { field: "upper" } } },
    ],
  };
}

/**
 * A metric with its interval per channel and segment (ROI or mROI of a marketing-mix model).
 * rows: {segment, channel, value, lower, upper}
 */
export function intervalBarsSpec(rows, { title, axis }) {
  return {
    ...base(title, `${title}: bars the posterior median, whiskers the credible interval`),
    data: { values: rows },
    height: { step: 16 },
    encoding: {
      y: { field: "channel", type: "nominal", title: "Channel", sort: null },
      yOffset: { field: "segment", type: "nominal" },
    },
    layer: [
      {
        mark: { type: "bar", tooltip: true },
        encoding: { x: { field: "value", type: "quantitative", title: axis }, color: { field: "segment", type: "nominal", title: "Segment" } },
      },
      { mark: { type: "rule", color: "#1b1f24" }, encoding: { x: { field: "lower", type: "quantitative" }, x2: { field: "upper" } } },
      { mark: { type: "rule", strokeDash: [4, 4], color: "#57606a" }, encoding: { x: { datum: 1 } } },
    ],
  };
}

/** Contribution over time as a stacked area. rows: {date, component, value} */
export function contributionSpec(rows, { target = "sales", segment = "", period = "period" } = {}) {
  return {
    ...base(
      `What made ${target}${segment ? ` (${segment})` : ""}: contribution over time`,
      "Stacked areas: baseline, trend, seasonality, controls and each channel",
    ),
    data: { values: rows },
    height: 260,
    mark: { type: "area", tooltip: true },
    encoding: {
      x: { field: "date", type: "temporal", title: "Date" },
      y: { field: "value", type: "quantitative", stack: "zero", title: `${target} per ${period}` },
      color: { field: "component", type: "nominal", title: "Component", sort: null },
      order: { field: "order", type: "quantitative" },
    },
  };
}

/** Share of spend against share of effect per channel. rows: {channel, measure: "share of spend" | "share of effect", share} */
export function shareSpec(rows, { segment = "" } = {}) {
  return {
    ...base(`Share of spend against share of effect${segment ? ` (${segment})` : ""}`, "Paired bars per channel: its share of media spend and of media effect"),
    data: { values: rows },
    height: { step: 14 },
    mark: { type: "bar", tooltip: true },
    encoding: {
      y: { field: "channel", type: "nominal", title: "Channel" },
      yOffset: { field: "measure", type: "nominal" },
      x: { field: "share", type: "quantitative", title: "Share (%)", axis: { format: ".0%" } },
      color: { field: "measure", type: "nominal", title: "Measure", scale: { range: ["#8fb8e8", "#0b5cad"] } },
    },
  };
}

/**
 * Response curves per channel with their band, current spend marked, and the spend the model's data show shaded:
 * the curve is measured there and its form extrapolated beyond. rows: {channel, kind: "curve", spend, response,
 * lower, upper} | {channel, kind: "current", spend, response} | {channel, kind: "observed", min, max}.
 */
export function curvesSpec(rows, { target = "sales", period = "period", segment = "", columns = 3 } = {}) {
  const marker = { type: "nominal", title: "Marker", scale: { domain: ["current spend", "spend the data show"], range: ["#a40e26", "#d5dbe2"] } };
  return {
    $schema: SCHEMA,
    title: `Response curves${segment ? ` (${segment})` : ""}: ${target} per ${period} against spend per ${period}`,
    description:
      "One panel per channel: incremental sales by spend, the credible band shaded, the current spend marked, the range of spend the data show shaded grey",
    data: { values: rows },
    facet: { field: "channel", type: "nominal", title: "Channel" },
    columns,
    resolve: { scale: { x: "independent", y: "independent" } },
    spec: {
      width: 220,
      height: 150,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'observed'" }],
          mark: { type: "rect", opacity: 0.6, tooltip: true },
          encoding: {
            x: { field: "min", type: "quantitative" },
            x2: { field: "max" },
            color: { datum: "spend the data show", ...marker },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'curve'" }],
          mark: { type: "area", opacity: 0.25, color: "#0b5cad" },
          encoding: {
            x: { field: "spend", type: "quantitative", title: `Spend per ${period} ($)` },
            y: { field: "lower", type: "quantitative", title: `Incremental ${target}` },
            y2: { field: "upper" },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'curve'" }],
          mark: { type: "line", color: "#0b5cad" },
          encoding: { x: { field: "spend", type: "quantitative" }, y: { field: "response", type: "quantitative" } },
        },
        {
          transform: [{ filter: "datum.kind === 'current'" }],
          mark: { type: "point", filled: true, size: 70, tooltip: true },
          encoding: {
            x: { field: "spend", type: "quantitative" },
            y: { field: "response", type: "quantitative" },
            color: { datum: "current spend", ...marker },
          },
        },
      ],
    },
  };
}

/**
 * A forecast fan: history and the backtest's held-out actuals, the backtest's forecasts of them, and the forecast's
 * median with its outer band. rows: {date, series: "actual" | "backtest forecast" | "forecast median", value, lower?, upper?}
 */
export function fanSpec(rows, { key = "", target = "sales", band = "p10–p90" } = {}) {
  const domain = ["actual", "backtest forecast", "forecast median", `${band} band`];
  const color = { type: "nominal", title: "Series", scale: { domain, range: ["#1b1f24", "#d97706", "#0b5cad", "#8fb8e8"] } };
  return {
    ...base(`Forecast of ${target}${key ? `: ${key}` : ""}`, `Actuals, the backtest's held-out forecasts, and the forecast median with its ${band} band`),
    data: { values: rows },
    height: 240,
    encoding: { x: { field: "date", type: "temporal", title: "Date" } },
    layer: [
      {
        transform: [{ filter: "isValid(datum.lower)" }],
        mark: { type: "area", opacity: 0.5 },
        encoding: {
          y: { field: "lower", type: "quantitative", title: `${target} per day` },
          y2: { field: "upper" },
          color: { ...color, datum: `${band} band` },
        },
      },
      {
        mark: { type: "line", strokeWidth: 1.5, tooltip: true },
        encoding: {
          y: { field: "value", type: "quantitative" },
          color: { ...color, field: "series" },
        },
      },
    ],
  };
}

/** Recommended spend against the current plan per line. rows: {line, plan: "recommended" | "current", spend} */
export function allocationSpec(rows, { period = "plan" } = {}) {
  return {
    ...base(`Recommended spend against the current plan (per ${period})`, "Paired bars per channel and segment: recommended and current spend"),
    data: { values: rows },
    height: { step: 12 },
    mark: { type: "bar", tooltip: true },
    encoding: {
      y: { field: "line", type: "nominal", title: "Channel / segment", sort: null },
      yOffset: { field: "plan", type: "nominal", sort: ["current", "recommended"] },
      x: { field: "spend", type: "quantitative", title: "Spend ($)" },
      color: { field: "plan", type: "nominal", title: "Plan", scale: { domain: ["current", "recommended"], range: ["#b7bdc4", "#0b5cad"] } },
    },
  };
}

/** Spend per period of a multi-period plan, stacked by line. rows: {period, line, spend} */
export function periodsSpec(rows, { periodLength = 7 } = {}) {
  return {
    ...base(`Spend per ${periodLength === 7 ? "week" : `${periodLength}-day period`}`, "Stacked bars: each period's spend by channel and segment"),
    data: { values: rows },
    height: 240,
    mark: { type: "bar", tooltip: true },
    encoding: {
      x: { field: "period", type: "ordinal", title: "Period" },
      y: { field: "spend", type: "quantitative", stack: "zero", title: "Spend ($)" },
      color: { field: "line", type: "nominal", title: "Channel / segment" },
    },
  };
}

/**
 * What-if: incremental sales per line under the plan on screen, with interval, beside the current plan's.
 * rows: {line, plan: "what-if" | "current", incremental, lower, upper}
 */
export function whatIfSpec(rows, { target = "sales", period = "period" } = {}) {
  return {
    ...base(`Incremental ${target} per ${period}: what-if against current`, "Paired bars per channel and segment with interval whiskers"),
    data: { values: rows },
    height: { step: 12 },
    encoding: {
      y: { field: "line", type: "nominal", title: "Channel / segment", sort: null },
      yOffset: { field: "plan", type: "nominal", sort: ["current", "what-if"] },
    },
    layer: [
      {
        mark: { type: "bar", tooltip: true },
        encoding: {
          x: { field: "incremental", type: "quantitative", title: `Incremental ${target} per ${period}` },
          color: { field: "plan", type: "nominal", title: "Plan", scale: { domain: ["current", "what-if"], range: ["#b7bdc4", "#0b5cad"] } },
        },
      },
      { mark: { type: "rule", color: "#1b1f24" }, encoding: { x: { field: "lower", type: "quantitative" }, x2: { field: "upper" } } },
    ],
  };
}
