import { api, session } from "../api.js";
import { chart } from "../charts.js";
import { field, fill, h, money, notify, num, select, table } from "../dom.js";
import { fittedModels, lineName, warningList } from "../common.js";
import { whatIfSpec } from "../specs.js";

/** The query string of a plan: spend.<channel>.<segment>=amount per period (what GET /v1/scenarios takes). */
export function scenarioQuery(mmmId, lines) {
  const q = new URLSearchParams({ mmmId });
  for (const l of lines) q.set(l.segment ? `spend.${l.channel}.${l.segment}` : `spend.${l.channel}`, String(Math.round(l.amount * 100) / 100));
  return q;
}

/** What-if: a slider per channel and segment; every move asks GET /v1/scenarios and shows the answer beside today's. */
export async function whatIfPage(view, params) {
  const models = await fittedModels("mmm-fit", "modelId");
  const model = select([["", "(choose a fitted model)"], ...models.map((m) => [m.id, m.label])], params.get("model") ?? models[0]?.id ?? "", { name: "model" });
  const body = h("div");
  fill(
    view,
    h("h1", {}, "What-if"),
    models.length ? null : h("p", {}, "No fitted marketing-mix model yet: fit one on the Marketing mix page first."),
    h("div", { class: "grid" }, field("Marketing-mix model", model)),
    body,
  );
  const build = async () => {
    fill(body);
    if (!model.value) return;
    const m = await api(`/v1/mmm/${model.value}`);
    const period = m.segments[0]?.model.frequency === "W" ? "week" : "day";
    const lines = m.segments.flatMap((s) =>
      s.model.curves.map((c) => ({
        channel: c.channel,
        segment: s.segment ?? null,
        current: c.currentSpend,
        amount: c.currentSpend,
        observed: c.observedSpend,
      })),
    );
    const result = h("div", { id: "whatif-result", "aria-live": "polite" });
    const chartSlot = h("div");
    const latency = h("p", { class: "readonly-note", id: "whatif-latency" });
    const formula = h("code", { class: "formula", id: "whatif-formula" });
    const sheet = select(
      [
        ["IMPORTDATA", "Google Sheets (IMPORTDATA)"],
        ["WEBSERVICE", "Excel (WEBSERVICE)"],
      ],
      "IMPORTDATA",
      { name: "sheet" },
    );
    const csv = { path: "" };
    let figure = null;
    let pending = null;
    let seq = 0;
    const urlOf = () => {
      // only the lines moved: the others keep their current spend, and the formula stays short
      const q = scenarioQuery(
        model.value,
        lines.filter((l) => Math.round(l.amount) !== Math.round(l.current)),
      );
      q.set("format", "csv");
      return `${location.origin}/v1/scenarios?${q}${session.authRequired ? "&key=<read key>" : ""}`;
    };
    const ask = async () => {
      const started = performance.now();
      const mine = ++seq;
      pending?.abort();
      pending = new AbortController();
      const q = scenarioQuery(model.value, lines);
      csv.path = `/v1/scenarios?${q}`;
      formula.textContent = `=${sheet.value}("${urlOf()}")`;
      try {
        const answer = await api(`/v1/scenarios?${q}`, { signal: pending.signal });
        if (mine !== seq) return;
        const plan = answer.plans[0];
        const rows = plan.lines.flatMap((l) => [
          {
            line: lineName(l),
            plan: "current",
            incremental: l.current.incremental,
            lower: l.current.incrementalInterval?.lower,
            upper: l.current.incrementalInterval?.upper,
          },
          { line: lineName(l), plan: "what-if", incremental: l.incremental, lower: l.incrementalInterval?.lower, upper: l.incrementalInterval?.upper },
        ]);
        const t = plan.totals;
        fill(
          result,
          table(
            [
              { label: "", value: (r) => r[0] },
              { label: "What-if", value: (r) => r[1], num: true },
              { label: "Current plan", value: (r) => r[2], num: true },
              { label: "Difference", value: (r) => r[3], num: true },
            ],
            [
              [`Spend per ${period}`, money(t.spend), money(t.current?.spend), money(t.difference?.spend)],
              [`Incremental ${m.request.target} per ${period}`, money(t.incremental), money(t.current?.incremental), money(t.difference?.incremental)],
              [
                "Interval",
                t.incrementalInterval ? `${money(t.incrementalInterval.lower)} to ${money(t.incrementalInterval.upper)}` : "–",
                t.current?.incrementalInterval ? `${money(t.current.incrementalInterval.lower)} to ${money(t.current.incrementalInterval.upper)}` : "–",
                "",
              ],
              ["Return per $1", num(t.roi), num(t.current ? t.current.incremental / t.current.spend : null), ""],
            ],
            { caption: "The plan on screen against the current plan" },
          ),
          // a slider past the spend the model's data show: the answer there is the curve's form, not measured
          warningList(answer.warnings.filter((w) => w.includes("the model's data show")).map((w) => w.replace(/^Plan "[^"]*", /, ""))),
        );
        result.dataset.incremental = String(t.incremental);
        if (!figure) {
          figure = chart(whatIfSpec(rows, { target: m.request.target, period }), { name: "what-if", rows, csv });
          chartSlot.append(figure);
        }
        const ms = performance.now() - started;
        latency.textContent = `Answered in ${Math.round(ms)} ms.`;
        latency.dataset.chartMs = "pending";
        latency.dataset.ms = String(ms);
        latency.dataset.answer = String(mine); // which move this answers (tests and the bench wait on it)
        await figure.update(rows); // before the chart is first drawn, this only keeps the rows for it
        if (mine === seq) latency.dataset.chartMs = String(performance.now() - started);
      } catch (e) {
        if (e.name !== "AbortError") notify(e.message);
      }
    };
    const sliders = lines.map((l) => {
      // far enough to pass the most the data show, so a planner can see where the curve stops being measured
      const max = Math.max(1, Math.ceil(Math.max(l.current * 3, 1.5 * (l.observed?.max ?? 0))));
      const id = `slider-${l.channel}-${l.segment ?? "all"}`.replace(/[^A-Za-z0-9_-]/g, "_");
      const input = h("input", { type: "range", id, min: 0, max, step: Math.max(1, Math.round(max / 300)), value: Math.round(l.current) });
      const out = h("output", { for: id }, money(l.amount));
      input.addEventListener("input", () => {
        l.amount = Number(input.value);
        out.textContent = money(l.amount);
        void ask(); // ask reports its own errors
      });
      const seen = l.observed ? h("small", { class: "readonly-note" }, `the data show ${money(l.observed.min)} to ${money(l.observed.max)}`) : null;
      return h("div", { class: "slider" }, h("label", { for: id }, `${lineName(l)} ($ per ${period})`), input, out, seen);
    });
    const copy = h(
      "button",
      {
        type: "button",
        class: "secondary",
        onclick: async () => {
          try {
            await navigator.clipboard.writeText(formula.textContent);
            notify("Formula copied.", "info");
          } catch {
            // without a secure context the clipboard is closed: select the text for Ctrl-C instead
            getSelection()?.selectAllChildren(formula);
            notify("Select-all done: press Ctrl-C (or ⌘-C) to copy the formula.", "info");
          }
        },
      },
      "Copy spreadsheet formula",
    );
    sheet.addEventListener("change", () => (formula.textContent = `=${sheet.value}("${urlOf()}")`));
    fill(
      body,
      h("p", {}, `Spend per ${period} on each line; lines you leave keep their current spend. Intervals are the model's.`),
      h("section", { class: "panel", "aria-label": "Spend per line" }, sliders),
      result,
      latency,
      chartSlot,
      h("h2", {}, "In a spreadsheet"),
      h("div", { class: "grid" }, field("Spreadsheet", sheet)),
      formula,
      h("div", { class: "row" }, copy),
    );
    await ask();
  };
  model.addEventListener("change", build);
  await build();
}
