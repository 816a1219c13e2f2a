import { api, canWrite, saveText } from "../api.js";
import { chart } from "../charts.js";
import { checks, field, fill, h, notify, num, pval, select, table } from "../dom.js";
import { columnsByType, datasets, onDataset } from "../common.js";
import { roiTableSpec } from "../specs.js";

const COV = ["nonrobust", "HC3", "HAC"];

/** Statistics: a formula fit (per segment) with its coefficient table and checks in words; ROI per $1 per segment. */
export async function statsPage(view) {
  const items = await datasets();
  const out = h("div", { id: "stats-result" });
  const form = h("form", { class: "panel", "aria-label": "Fit a formula" });
  const roiForm = h("form", { class: "panel", "aria-label": "Return per dollar" });
  const build = (ds, pick) => {
    const { numbers, categories } = columnsByType(ds);
    const target = numbers.find((c) => /amount|sales|revenue/i.test(c)) ?? numbers[numbers.length - 1];
    const tacticsGuess = numbers.filter((c) => c !== target && /campaign|contact|spend|tv|radio|social|email|flyer|search/i.test(c));
    const formula = h("input", {
      type: "text",
      name: "formula",
      value: `${target} ~ ${(tacticsGuess.length ? tacticsGuess : numbers.filter((c) => c !== target)).slice(0, 8).join(" + ")}`,
    });
    const segment = select([["", "(one model)"], ...categories.filter((c) => (ds.columns.find((x) => x.name === c)?.levels?.length ?? 99) <= 20)], "", {
      name: "segment",
    });
    const cov = select(COV, "nonrobust", { name: "covType" });
    fill(
      form,
      h("h2", {}, "Fit a formula"),
      h("div", { class: "grid" }, pick, field("Formula (statsmodels syntax)", formula), field("One model per", segment), field("Standard errors", cov)),
      h("div", { class: "row" }, h("button", { type: "submit" }, "Fit")),
    );
    form.onsubmit = async (e) => {
      e.preventDefault();
      try {
        const fit = await api("/v1/regressions", {
          method: "POST",
          body: { datasetId: ds.id, formula: formula.value, covType: cov.value, ...(segment.value && { segment: segment.value }) },
        });
        fill(out, ...regression(fit));
      } catch (err) {
        notify(err.message);
      }
    };
    const target2 = select(numbers, target, { name: "target" });
    const tactics = checks("Tactics (spend or units per row)", numbers, (c) => tacticsGuess.includes(c));
    const segment2 = select(
      [["", "(all rows)"], ...categories.filter((c) => (ds.columns.find((x) => x.name === c)?.levels?.length ?? 99) <= 20)],
      categories.find((c) => /type|segment/i.test(c)) ?? "",
      {
        name: "roiSegment",
      },
    );
    fill(
      roiForm,
      h("h2", {}, "Which tactic returns most per $1"),
      h("div", { class: "grid" }, field("Target", target2), field("Per segment", segment2)),
      tactics.el,
      h("div", { class: "row" }, h("button", { type: "submit" }, "Compute ROI")),
    );
    roiForm.onsubmit = async (e) => {
      e.preventDefault();
      const body = {
        datasetId: ds.id,
        target: target2.value,
        tactics: tactics.values().filter((t) => t !== target2.value),
        ...(segment2.value && { segment: segment2.value }),
      };
      try {
        fill(out, ...roi(await api("/v1/roi", { method: "POST", body }), body));
      } catch (err) {
        notify(err.message);
      }
    };
  };
  onDataset(items, /hospital|campaign/i, build);
  fill(
    view,
    h("h1", {}, "Statistics"),
    canWrite() ? null : h("p", { class: "readonly-note" }, "Read-only key: fitting needs a write key."),
    form,
    roiForm,
    out,
  );
}

function regression(fit) {
  return fit.models.flatMap((m) => [
    h("h2", {}, m.group === null ? "Coefficients" : `Coefficients: ${m.group}`),
    h("p", {}, `${m.nobs} rows, R² ${num(m.rsquared)}, adjusted ${num(m.rsquaredAdj)}, F p-value ${pval(m.fPvalue)}, standard errors ${m.covType}.`),
    table(
      [
        { label: "Term", value: (p) => p.name },
        { label: "Coefficient", value: (p) => num(p.coef, 4), num: true },
        { label: "Std. error", value: (p) => num(p.stdErr), num: true },
        { label: "t", value: (p) => num(p.t), num: true },
        { label: "p-value", value: (p) => pval(p.pValue), num: true },
        { label: `${Math.round((1 - m.alpha) * 100)}% interval`, value: (p) => `${num(p.ciLower, 4)} to ${num(p.ciUpper, 4)}`, num: true },
        { label: "VIF", value: (p) => num(p.vif), num: true },
      ],
      m.params,
      { rowClass: (p) => (p.pValue !== null && p.pValue >= m.alpha ? "muted" : undefined) },
    ),
    h("h3", {}, "Assumption checks"),
    h(
      "ul",
      {},
      m.assumptions.map((a) => h("li", { class: a.ok ? "good" : "warn" }, `${a.ok ? "OK" : "Check"}: ${a.message}`)),
    ),
    h(
      "div",
      { class: "row" },
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          onclick: async () => {
            saveText(await api(`/v1/regressions/${fit.id}`, { accept: "text/csv" }), `regression-${fit.id}.csv`);
          },
        },
        "Download coefficients (CSV)",
      ),
    ),
  ]);
}

function roi(answer, body) {
  const rows = answer.segments.flatMap((s) =>
    s.tactics
      .filter((t) => t.estimable)
      .map((t) => ({
        segment: s.segment ?? "all",
        tactic: t.tactic,
        roi: t.roi,
        lower: t.ciLower,
        upper: t.ciUpper,
        pValue: t.pValue,
        status: !t.significant ? "not significant" : t.roi < 0 || s.stop?.some((x) => x.tactic === t.tactic) ? "stop" : "put money here",
      })),
  );
  return [
    h("h2", {}, "Return per $1"),
    ...answer.segments.map((s) => h("p", { class: "summary" }, s.recommendation)),
    chart(roiTableSpec(rows, { target: answer.target }), { name: "roi-per-dollar", rows, csv: { path: "/v1/roi", method: "POST", body } }),
    table(
      [
        { label: "Segment", value: (r) => r.segment },
        { label: "Tactic", value: (r) => r.tactic },
        { label: "Per $1", value: (r) => num(r.roi), num: true },
        { label: "Interval", value: (r) => `${num(r.lower)} to ${num(r.upper)}`, num: true },
        { label: "p-value", value: (r) => pval(r.pValue), num: true },
        { label: "Reading", value: (r) => r.status },
      ],
      rows,
      { rowClass: (r) => (r.status === "not significant" ? "muted" : undefined) },
    ),
  ];
}
