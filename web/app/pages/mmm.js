import { api, canWrite } from "../api.js";
import { chart } from "../charts.js";
import { checks, field, fill, h, money, num, pct, select, table } from "../dom.js";
import { columnsByType, datasets, dateAndTarget, fittedModels, onDataset, runJob, warningList } from "../common.js";
import { contributionSpec, curvesSpec, intervalBarsSpec, shareSpec } from "../specs.js";

/** Marketing mix: start a fit and follow it, or open a fitted model; its fit, contributions, curves and ROI. */
export async function mmmPage(view, params) {
  const [items, models] = await Promise.all([datasets(), fittedModels("mmm-fit", "modelId")]);
  const out = h("div", { id: "mmm-result" });
  const status = h("div");
  const form = fitForm(items, status);
  const open = select([["", "(choose a fitted model)"], ...models.map((m) => [m.id, m.label])], params.get("model") ?? "", { name: "model" });
  open.addEventListener("change", () => open.value && (location.hash = `#/mmm?model=${open.value}`));
  fill(
    view,
    h("h1", {}, "Marketing mix"),
    canWrite() ? form : h("p", { class: "readonly-note" }, "Read-only key: fitting needs a write key; fitted models can be opened."),
    status,
    h("div", { class: "grid" }, field("Open a fitted model", open)),
    out,
  );
  const id = params.get("model");
  if (id) fill(out, ...modelView(await api(`/v1/mmm/${id}`)));
}

function fitForm(items, status) {
  const form = h("form", { class: "panel", "aria-label": "Fit a marketing-mix model" });
  onDataset(items, /sample|sales/i, (ds, pick) => {
    const { numbers, categories } = columnsByType(ds);
    const { date, target } = dateAndTarget(ds, /sales|revenue|amount/i);
    const segment = select([["", "(one series)"], ...categories], categories.find((c) => /segment|geo|region/i.test(c)) ?? "", { name: "segment" });
    const channels = checks("Channels (spend per period)", numbers, (c) => /spend/i.test(c));
    const controls = checks("Controls (known influences that are not media)", numbers, (c) => /holiday|event|promo|price/i.test(c));
    const method = select(
      [
        ["fast", "fast: profile likelihood with bootstrap (seconds)"],
        ["bayes", "bayes: full posterior with NUTS (minutes)"],
      ],
      "fast",
      { name: "method" },
    );
    fill(
      form,
      h("h2", {}, "Fit a model"),
      h("div", { class: "grid" }, pick, field("Date", date), field("Target", target), field("Segment or geo", segment), field("Method", method)),
      channels.el,
      controls.el,
      h("div", { class: "row" }, h("button", { type: "submit" }, "Fit the model")),
    );
    form.onsubmit = async (e) => {
      e.preventDefault();
      const body = {
        datasetId: ds.id,
        date: date.value,
        target: target.value,
        channels: channels.values(),
        method: method.value,
        ...(segment.value && { segment: segment.value }),
        ...(controls.values().length && { controls: controls.values().filter((c) => !channels.values().includes(c)) }),
      };
      const job = await runJob(status, "/v1/mmm", body, "Fitting the marketing-mix model");
      if (job) location.hash = `#/mmm?model=${job.result.modelId}`;
    };
  });
  return form;
}

/** Response at spend x on a curve given as points (linear between them). */
export function interpolate(xs, ys, x) {
  if (x <= xs[0]) return ys[0];
  for (let i = 1; i < xs.length; i++) if (x <= xs[i]) return ys[i - 1] + ((ys[i] - ys[i - 1]) * (x - xs[i - 1])) / (xs[i] - xs[i - 1]);
  return ys[ys.length - 1];
}

function modelView(m) {
  const target = m.request.target;
  const segs = m.segments;
  const name = (s) => s.segment ?? "all";
  const metric = (key, interval) =>
    segs.flatMap((s) =>
      s.model.channels.map((c) => ({
        segment: name(s),
        channel: c.channel,
        value: c[key],
        lower: c[interval]?.lower ?? c[key],
        upper: c[interval]?.upper ?? c[key],
        unseenShare: c.unseenShare,
      })),
    );
  const roiRows = metric("roi", "roiInterval");
  const mroiRows = metric("mroi", "mroiInterval");
  const level = Math.round((m.request.level ?? 0.9) * 100);
  const segmentPick = select(
    segs.map((s) => name(s)),
    name(segs[0]),
    { name: "segment" },
  );
  const perSegment = h("div");
  const drawSegment = () =>
    fill(
      perSegment,
      ...segmentView(
        m,
        segs.find((s) => name(s) === segmentPick.value),
      ),
    );
  segmentPick.addEventListener("change", drawSegment);
  drawSegment();
  return [
    h("h2", {}, `Model ${m.id}`),
    h(
      "p",
      {},
      `${target} on ${m.request.channels.join(", ")}; method ${m.request.method ?? "bayes"}${m.request.segment ? `, one fit per ${m.request.segment}` : ""}.`,
    ),
    warningList([...(m.warnings ?? []), ...segs.flatMap((s) => (s.model.warnings ?? []).map((w) => `${name(s)}: ${w}`))]),
    h("h3", {}, "Fit quality"),
    table(
      [
        { label: "Segment", value: (s) => name(s) },
        { label: "R² in sample", value: (s) => num(s.model.inSample.rsquared), num: true },
        { label: "NRMSE in sample", value: (s) => num(s.model.inSample.nrmse), num: true },
        { label: "MAPE in sample", value: (s) => pct(s.model.inSample.mape), num: true },
        { label: "R² holdout", value: (s) => num(s.model.holdout?.rsquared), num: true },
        { label: "MAPE holdout", value: (s) => pct(s.model.holdout?.mape), num: true },
      ],
      segs,
    ),
    samplerTable(segs, name),
    ...segs.filter((s) => s.model.formSelection).map((s) => h("p", { class: "summary" }, `${name(s)}, forms: ${s.model.formSelection.decision}`)),
    chart(intervalBarsSpec(roiRows, { title: `ROI per channel with ${level}% intervals`, axis: `${target} per $1 (ROI)` }), {
      name: "mmm-roi",
      rows: roiRows,
      csv: { path: `/v1/mmm/${m.id}` },
    }),
    chart(intervalBarsSpec(mroiRows, { title: `Marginal ROI (the next $1) with ${level}% intervals`, axis: `${target} per next $1 (mROI)` }), {
      name: "mmm-mroi",
      rows: mroiRows,
      csv: { path: `/v1/mmm/${m.id}` },
    }),
    table(
      [
        { label: "Segment", value: (r) => r.segment },
        { label: "Channel", value: (r) => r.channel },
        { label: "ROI", value: (r) => num(r.value), num: true },
        { label: `${level}% interval`, value: (r) => `${num(r.lower)} to ${num(r.upper)}`, num: true },
        // the part of the return no spend level in the data pins down: above 30% the ROI rests on the curve's form
        { label: "Unseen share", value: (r) => pct(r.unseenShare), num: true },
      ],
      roiRows,
      { caption: "ROI per channel (unseen share: the part of the contribution below the lowest spend seen, set by the curve's form alone)" },
    ),
    h("h2", {}, "By segment"),
    h("div", { class: "grid" }, field("Segment", segmentPick)),
    perSegment,
  ];
}

/**
 * Contribution rows {date, component, order, value}: daily data summed by week (Monday), so three years stay
 * readable; weekly data as they are.
 */
export function weekly(dates, parts, frequency) {
  if (frequency === "W") return dates.flatMap((date, t) => parts.map(([component, values], order) => ({ date, component, order, value: values[t] ?? 0 })));
  const weeks = new Map();
  dates.forEach((date, t) => {
    const day = new Date(`${date}T00:00:00Z`);
    const monday = new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
    const sums = weeks.get(monday) ?? parts.map(() => 0);
    parts.forEach(([, values], k) => (sums[k] += values[t] ?? 0));
    weeks.set(monday, sums);
  });
  return [...weeks].flatMap(([date, sums]) => parts.map(([component], order) => ({ date, component, order, value: sums[order] })));
}

/** The sampler's diagnostics per segment (bayes): what PyMC and Meridian users check before reading a number. */
function samplerTable(segs, name) {
  const withDiag = segs.filter((s) => s.model.diagnostics);
  if (!withDiag.length) return null;
  return h(
    "div",
    {},
    table(
      [
        { label: "Segment", value: (s) => name(s) },
        { label: "Chains × draws", value: (s) => `${s.model.diagnostics.chains} × ${s.model.diagnostics.draws}`, num: true },
        { label: "Max R-hat", value: (s) => num(s.model.diagnostics.maxRhat, 4), num: true },
        { label: "Min bulk ESS", value: (s) => Math.round(s.model.diagnostics.minEssBulk).toLocaleString("en-US"), num: true },
        { label: "Divergences", value: (s) => s.model.diagnostics.divergences, num: true },
        {
          label: "Reading",
          value: (s) =>
            s.model.diagnostics.warnings.length ? s.model.diagnostics.warnings.join(" ") : "converged: R-hat ≤ 1.01, ESS ≥ 100 per chain, no divergence",
        },
      ],
      withDiag,
      { caption: "The posterior sampler (NUTS)" },
    ),
  );
}

function segmentView(m, s) {
  const target = m.request.target;
  const seg = s.segment ?? "";
  const d = s.model.decomposition;
  const parts = [["baseline", d.baseline], ["trend", d.trend], ["seasonality", d.seasonality], ["controls", d.controls], ...Object.entries(d.channels)];
  const contribution = weekly(d.dates, parts, s.model.frequency);
  const shares = s.model.channels.flatMap((c) => [
    { channel: c.channel, measure: "share of spend", share: c.shareOfSpend },
    { channel: c.channel, measure: "share of effect", share: c.shareOfEffect },
  ]);
  const period = s.model.frequency === "W" ? "week" : "day";
  const curves = s.model.curves.flatMap((c) => [
    ...(c.observedSpend ? [{ channel: c.channel, kind: "observed", min: c.observedSpend.min, max: c.observedSpend.max }] : []),
    ...c.spend.map((x, i) => ({
      channel: c.channel,
      kind: "curve",
      spend: x,
      response: c.response[i],
      lower: c.responseLower?.[i] ?? c.response[i],
      upper: c.responseUpper?.[i] ?? c.response[i],
    })),
    { channel: c.channel, kind: "current", spend: c.currentSpend, response: interpolate(c.spend, c.response, c.currentSpend) },
  ]);
  return [
    chart(contributionSpec(contribution, { target, segment: seg, period: s.model.frequency === "W" ? "week" : "week (daily data summed)" }), {
      name: `mmm-contribution-${seg || "all"}`,
      rows: contribution,
    }),
    chart(shareSpec(shares, { segment: seg }), { name: `mmm-share-${seg || "all"}`, rows: shares }),
    chart(curvesSpec(curves, { target, period, segment: seg, columns: Math.max(1, Math.min(3, Math.floor((innerWidth - 40) / 300))) }), {
      name: `mmm-curves-${seg || "all"}`,
      rows: curves,
      csv: { path: `/v1/mmm/${m.id}/curves` },
    }),
    table(
      [
        { label: "Channel", value: (c) => c.channel },
        { label: "Forms", value: (c) => (c.form ? `${c.form.adstock} + ${c.form.saturation}` : "") },
        { label: "Spend", value: (c) => money(c.spend), num: true },
        { label: "Contribution", value: (c) => money(c.contribution), num: true },
        { label: "Share of spend", value: (c) => pct(c.shareOfSpend), num: true },
        { label: "Share of effect", value: (c) => pct(c.shareOfEffect), num: true },
      ],
      s.model.channels,
      { caption: `Channels${seg ? ` in ${seg}` : ""}` },
    ),
  ];
}
