import { api, canWrite } from "../api.js";
import { chart } from "../charts.js";
import { checks, field, fill, h, money, notify, num, pct, select, table } from "../dom.js";
import { fittedModels, lineName, warningList } from "../common.js";
import { allocationSpec, periodsSpec } from "../specs.js";

/** Plan: budget and constraints as a form; the allocation against the current plan, its return and what binds. */
export async function planPage(view, params) {
  const models = await fittedModels("mmm-fit", "modelId");
  const out = h("div", { id: "plan-result" });
  const form = h("form", { class: "panel", "aria-label": "Budget and constraints" });
  const model = select([["", "(choose a fitted model)"], ...models.map((m) => [m.id, m.label])], params.get("model") ?? models[0]?.id ?? "", { name: "model" });
  fill(
    view,
    h("h1", {}, "Plan a budget"),
    models.length ? null : h("p", {}, "No fitted marketing-mix model yet: ", h("a", { href: "#/mmm" }, "fit one on the Marketing mix page"), " first."),
    h("div", { class: "grid" }, field("Marketing-mix model", model)),
    // the form appears once there is a model to allocate with
    !models.length ? null : canWrite() ? form : h("p", { class: "readonly-note" }, "Read-only key: allocating needs a write key."),
    out,
  );
  const build = async () => {
    fill(form);
    fill(out);
    if (!model.value) return;
    const m = await api(`/v1/mmm/${model.value}`);
    const channels = m.request.channels;
    const total = h("input", { type: "number", name: "total", min: 0, step: "any", required: true });
    const periods = h("input", { type: "number", name: "periods", min: 1, max: 104, value: 1 });
    const periodLength = h("input", { type: "number", name: "periodLength", min: 1, max: 366, value: m.segments[0]?.model.frequency === "W" ? 1 : 7 });
    // the curves are measured only over the spend the data show: beyond it the return is the form extrapolated
    const withinData = h("input", { type: "checkbox", name: "withinData" });
    // the current plan's spend per plan period, to suggest a budget of the same size
    const current = m.segments.reduce((a, s) => a + s.model.curves.reduce((b, c) => b + c.currentSpend, 0), 0);
    total.value = String(Math.round(current * Number(periodLength.value)));
    const rows = channels.map((c) => ({
      channel: c,
      min: h("input", { type: "number", min: 0, step: "any", "aria-label": `${c}: at least ($ per line)` }),
      max: h("input", { type: "number", min: 0, step: "any", "aria-label": `${c}: at most ($ per line)` }),
      locked: h("input", { type: "checkbox", "aria-label": `${c}: keep the current spend` }),
    }));
    // groups of channels, each with a minimum share of the budget; "Add a group" adds another
    const groups = [];
    const groupBox = h("div");
    const addGroup = (name, pick) => {
      const k = groups.length + 1;
      const g = {
        name: h("input", { type: "text", name: k === 1 ? "groupName" : `groupName${k}`, value: name }),
        channels: checks(`Channels in group ${k}`, channels, pick),
        minShare: h("input", { type: "number", name: k === 1 ? "groupMinShare" : `groupMinShare${k}`, min: 0, max: 100, step: "any", placeholder: "e.g. 30" }),
      };
      groups.push(g);
      groupBox.append(h("div", { class: "grid" }, field(`Group ${k} name`, g.name), field("At least this share of the budget (%)", g.minShare)), g.channels.el);
    };
    addGroup("digital", (c) => /search|social|email|digital|online/i.test(c));
    fill(
      form,
      h("h2", {}, "Budget"),
      h(
        "div",
        { class: "grid" },
        field("Total budget ($ over the plan)", total),
        field("Periods in the plan", periods),
        field(`Model periods per plan period (${m.segments[0]?.model.frequency === "W" ? "weeks" : "days"})`, periodLength),
        field(
          "Stay within the data",
          withinData,
          "Keep each line's spend per period between the least and the most its data show, where its return was measured",
        ),
      ),
      h("h2", {}, "Limits per channel (each of its segment lines)"),
      table(
        [
          { label: "Channel", value: (r) => r.channel },
          { label: "At least ($)", value: (r) => r.min },
          { label: "At most ($)", value: (r) => r.max },
          { label: "Lock at current", value: (r) => r.locked },
        ],
        rows,
      ),
      h("h2", {}, "Groups of channels"),
      groupBox,
      h(
        "div",
        { class: "row" },
        h("button", { type: "button", class: "secondary", onclick: () => addGroup(`group ${groups.length + 1}`, () => false) }, "Add a group"),
        h("button", { type: "submit" }, "Allocate"),
      ),
    );
    form.onsubmit = async (e) => {
      e.preventDefault();
      const limits = rows
        .map((r) => ({
          channel: r.channel,
          ...(r.min.value !== "" && { min: Number(r.min.value) }),
          ...(r.max.value !== "" && { max: Number(r.max.value) }),
          ...(r.locked.checked && { locked: true }),
        }))
        .filter((l) => Object.keys(l).length > 1);
      const chosenGroups = groups
        .filter((g) => g.minShare.value !== "" && g.channels.values().length)
        .map((g, k) => ({ name: g.name.value || `group ${k + 1}`, channels: g.channels.values(), minShare: Number(g.minShare.value) / 100 }));
      const body = {
        mmmId: model.value,
        periods: Number(periods.value),
        periodLength: Number(periodLength.value),
        budget: { total: Number(total.value) },
        ...(withinData.checked && { withinData: true }),
        ...(limits.length && { limits }),
        ...(chosenGroups.length && { groups: chosenGroups }),
      };
      try {
        fill(out, ...allocationView(await api("/v1/allocations", { method: "POST", body }), body));
      } catch (err) {
        notify(err.message);
      }
    };
  };
  model.addEventListener("change", build);
  await build();
}

function allocationView(a, body) {
  const byLine = new Map();
  for (const l of a.lines) {
    const k = lineName(l);
    const acc = byLine.get(k) ?? { line: k, spend: 0, current: 0, expectedReturn: 0 };
    acc.spend += l.spend;
    acc.current += l.current ?? 0;
    acc.expectedReturn += l.expectedReturn;
    byLine.set(k, acc);
  }
  const lines = [...byLine.values()];
  const bars = lines.flatMap((l) => [
    { line: l.line, plan: "current", spend: l.current },
    { line: l.line, plan: "recommended", spend: l.spend },
  ]);
  const perPeriod = a.lines.filter((l) => l.period !== null && l.period !== undefined).map((l) => ({ period: l.period, line: lineName(l), spend: l.spend }));
  const t = a.totals;
  return [
    h("h2", {}, "Recommended allocation"),
    h("p", { class: "summary", id: "allocation-summary" }, a.summary),
    table(
      [
        { label: "", value: (r) => r[0] },
        { label: "Value", value: (r) => r[1], num: true },
      ],
      [
        ["Spend", money(t.spend)],
        ["Expected return", money(t.expectedReturn)],
        ["Expected return, interval", t.expectedReturnInterval ? `${money(t.expectedReturnInterval.lower)} to ${money(t.expectedReturnInterval.upper)}` : "–"],
        ["Return per $1", num(t.roi)],
        ["Current plan's return", money(a.current?.expectedReturn)],
        ["Uplift over the current plan", `${money(a.uplift?.expectedReturn)} (${pct(a.uplift?.relative)})`],
      ],
      { caption: "Totals" },
    ),
    h("h3", {}, "What limits it"),
    h(
      "ul",
      {},
      a.binding.map((b) => h("li", {}, `${b.description}: relaxing it by $1 would change the return by ${num(b.marginalValue)}.`)),
    ),
    chart(allocationSpec(bars, { period: Number(body.periods) > 1 ? "whole plan" : "plan" }), {
      name: "allocation",
      rows: bars,
      csv: { path: `/v1/allocations/${a.id}` },
    }),
    perPeriod.length
      ? chart(periodsSpec(perPeriod, { periodLength: body.periodLength }), {
          name: "allocation-periods",
          rows: perPeriod,
          csv: { path: `/v1/allocations/${a.id}` },
        })
      : null,
    table(
      [
        { label: "Line", value: (l) => l.line },
        { label: "Recommended", value: (l) => money(l.spend), num: true },
        { label: "Current", value: (l) => money(l.current), num: true },
        { label: "Expected return", value: (l) => money(l.expectedReturn), num: true },
      ],
      lines,
      { caption: "Per channel and segment" },
    ),
    warningList(a.warnings),
  ];
}
