import { api, canWrite } from "../api.js";
import { chart } from "../charts.js";
import { field, fill, h, num, pct, select, table } from "../dom.js";
import { columnsByType, datasets, dateAndTarget, fittedModels, onDataset, runJob, warningList } from "../common.js";
import { fanSpec } from "../specs.js";

/** Forecast: start one (series, horizon, levels, plan) and follow it; a fan per series and the backtest table. */
export async function forecastPage(view, params) {
  const [items, forecasts, mmms] = await Promise.all([datasets(), api("/v1/forecasts").then((r) => r.items), fittedModels("mmm-fit", "modelId")]);
  const out = h("div", { id: "forecast-result" });
  const status = h("div");
  const open = select(
    [["", "(choose a forecast)"], ...forecasts.map((f) => [f.id, `${f.id} · ${new Date(f.createdAt).toLocaleString()}`])],
    params.get("forecast") ?? "",
    {
      name: "forecast",
    },
  );
  open.addEventListener("change", () => open.value && (location.hash = `#/forecast?forecast=${open.value}`));
  fill(
    view,
    h("h1", {}, "Forecast"),
    canWrite() ? startForm(items, mmms, status) : h("p", { class: "readonly-note" }, "Read-only key: starting a forecast needs a write key."),
    status,
    h("div", { class: "grid" }, field("Open a forecast", open)),
    out,
  );
  const id = params.get("forecast");
  if (id) fill(out, ...forecastView(await api(`/v1/forecasts/${id}`)));
}

function startForm(items, mmms, status) {
  const form = h("form", { class: "panel", "aria-label": "Start a forecast" });
  onDataset(items, /sample|sales/i, (ds, pick) => {
    const { categories } = columnsByType(ds);
    const { date, target } = dateAndTarget(ds, /sales|revenue|amount|^y$/i);
    const segment = select([["", "(one series)"], ...categories], categories.find((c) => /segment|store|sku|region/i.test(c)) ?? "", { name: "segment" });
    const horizon = h("input", { type: "number", name: "horizon", min: 1, max: 366, value: 90 });
    const folds = h("input", { type: "number", name: "folds", min: 0, max: 10, value: 3 });
    const levels = h("input", { type: "text", name: "levels", value: "0.1, 0.5, 0.9" });
    const mmm = select([["", "(no spend plan)"], ...mmms.map((m) => [m.id, m.label])], "", { name: "mmmId" });
    const planBox = h("div");
    mmm.addEventListener("change", async () => {
      fill(planBox);
      if (!mmm.value) return;
      const model = await api(`/v1/mmm/${mmm.value}`);
      fill(
        planBox,
        h("p", {}, "Spend per channel over the whole horizon (blank: business as usual, the last 28 days' mean):"),
        h(
          "div",
          { class: "grid" },
          model.request.channels.map((c) => field(c, h("input", { type: "number", min: 0, step: "any", name: `plan.${c}`, "data-channel": c }))),
        ),
      );
    });
    fill(
      form,
      h("h2", {}, "Start a forecast"),
      h(
        "div",
        { class: "grid" },
        pick,
        field("Date", date),
        field("Target", target),
        field("One series per", segment),
        field("Horizon (days)", horizon),
        field("Backtest folds", folds),
        field("Quantile levels", levels),
        field("Spend plan from a marketing-mix model", mmm),
      ),
      planBox,
      h("div", { class: "row" }, h("button", { type: "submit" }, "Start the forecast")),
    );
    form.onsubmit = async (e) => {
      e.preventDefault();
      const lines = [...planBox.querySelectorAll("input[data-channel]")]
        .filter((i) => i.value !== "")
        .map((i) => ({ channel: i.dataset.channel, total: Number(i.value) }));
      const body = {
        datasetId: ds.id,
        date: date.value,
        target: target.value,
        horizon: Number(horizon.value),
        folds: Number(folds.value),
        levels: levels.value
          .split(/[\s,;]+/)
          .filter(Boolean)
          .map(Number),
        ...(segment.value && { segment: segment.value }),
        ...(mmm.value && { mmmId: mmm.value, plan: { lines } }),
      };
      const job = await runJob(status, "/v1/forecasts", body, "Training and backtesting the forecast");
      if (job) location.hash = `#/forecast?forecast=${job.result.forecastId}`;
    };
  });
  return form;
}

/** Rows of one series' fan: backtest actuals and forecasts, then the forecast's median and outer band. */
export function fanRows(choice, forecast) {
  const rows = [];
  const day = (start, h) => new Date(Date.parse(`${start}T00:00:00Z`) + h * 86_400_000).toISOString().slice(0, 10);
  for (const fold of choice?.heldOut ?? []) {
    fold.actual.forEach((v, h) => rows.push({ date: day(fold.start, h), series: "actual", value: v }));
    fold.point.forEach((v, h) => rows.push({ date: day(fold.start, h), series: "backtest forecast", value: v }));
  }
  const q = forecast.quantiles;
  forecast.dates.forEach((date, h) => rows.push({ date, series: "forecast median", value: forecast.mean[h], lower: q[0][h], upper: q[q.length - 1][h] }));
  return rows;
}

function forecastView(f) {
  const band = `p${Math.round(f.levels[0] * 100)}–p${Math.round(f.levels[f.levels.length - 1] * 100)}`;
  const choices = new Map((f.choices ?? []).map((c) => [c.key, c]));
  const chosen = (f.choices ?? []).map((c) => c.method);
  return [
    h("h2", {}, `Forecast ${f.id}`),
    h("p", { class: "summary" }, f.reason),
    warningList(f.warnings),
    h("h3", {}, `Backtest: ${f.backtest.folds} rolling-origin folds of ${f.horizon} days, every member side by side`),
    table(
      [
        { label: "Member", value: (s) => s.method + (chosen.includes(s.method) ? " (used)" : "") },
        { label: "MASE", value: (s) => num(s.mase), num: true },
        { label: "RMSSE", value: (s) => num(s.rmsse), num: true },
        { label: "sMAPE", value: (s) => pct(s.smape), num: true },
        { label: "wMAPE", value: (s) => pct(s.wmape), num: true },
        { label: "Pinball", value: (s) => num(s.pinball), num: true },
        { label: `${band} coverage`, value: (s) => pct(s.coverage), num: true },
      ],
      [...f.backtest.scores].sort((a, b) => a.mase - b.mase),
      { caption: "Mean over series and folds (lower is better; coverage should be near the band's nominal share)" },
    ),
    table(
      [
        { label: "Series", value: (c) => c.key },
        {
          label: "Used",
          value: (c) =>
            c.method +
            (c.pooled ? `: ${c.pooled.join(" + ")}` : "") +
            (c.holidays ? ` (holidays: ${c.holidays.join(", ")})` : "") +
            (c.intermittent ? " (intermittent)" : ""),
        },
        { label: "Why", value: (c) => c.reason + (c.bandWarning ? ` Band: ${c.bandWarning}` : "") },
      ],
      f.choices ?? [],
      { caption: "What each series uses" },
    ),
    ...f.forecasts.map((s) => {
      const rows = fanRows(choices.get(s.key), s);
      return chart(fanSpec(rows, { key: s.key === "all" ? "" : s.key, band }), { name: `forecast-${s.key}`, rows, csv: { path: `/v1/forecasts/${f.id}` } });
    }),
  ];
}
