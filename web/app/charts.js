import { api, saveText, saveUrl } from "./api.js";
import { h, notify } from "./dom.js";

/** Rows as CSV (for charts whose data no API endpoint gives as CSV). */
export function toCsv(rows) {
  if (!rows.length) return "";
  const cols = Object.keys(rows[0]);
  const cell = (v) => {
    const s = v === null || v === undefined ? "" : String(v);
    const safe = /^[=+\-@]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s; // a spreadsheet would run =, +, -, @ cells
    return /[",\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  return [cols.join(","), ...rows.map((r) => cols.map((c) => cell(r[c])).join(","))].join("\n");
}

/** The name every chart's rows go by inside its Vega view. */
const DATA = "rows";

/**
 * A chart with its downloads: the CSV (`csv.path` asks the API for the same table as CSV; without it the chart's
 * own rows) and the image as PNG or SVG. Rendered by vega-embed with Vega's expression interpreter (`ast`), so it
 * runs under the strict Content-Security-Policy (no eval).
 */
export function chart(spec, { name, rows: given, csv } = {}) {
  let rows = given;
  const target = h("div", { class: "chart-body" });
  let view = null;
  const image = async (kind) => saveUrl(await view.toImageURL(kind, kind === "png" ? 2 : 1), `${name}.${kind}`);
  const csvButton = h(
    "button",
    {
      type: "button",
      class: "secondary",
      onclick: async () => {
        try {
          const text = csv?.path
            ? await api(csv.path, { method: csv.method ?? "GET", body: csv.body, accept: "text/csv" })
            : toCsv(rows ?? spec.data?.values ?? []);
          saveText(text, `${name}.csv`);
        } catch (e) {
          notify(e.message);
        }
      },
    },
    "Download CSV",
  );
  const tools = h(
    "div",
    { class: "chart-tools" },
    csvButton,
    h("button", { type: "button", class: "secondary", onclick: () => image("png") }, "PNG"),
    h("button", { type: "button", class: "secondary", onclick: () => image("svg") }, "SVG"),
  );
  const el = h("figure", { class: "chart", "data-chart": name }, target, tools);
  let latest = null;
  /** Replace the chart's rows in place (the what-if page moves them on every slider step; re-embedding costs more). */
  el.update = async (next) => {
    latest = next;
    rows = next;
    if (view) await view.data(DATA, next).runAsync();
  };
  // embed once the figure is in the page, so "width: container" has a width to fill
  requestAnimationFrame(async () => {
    try {
      const result = await window.vegaEmbed(
        target,
        { ...spec, data: { name: DATA, values: latest ?? spec.data.values } },
        { ast: true, actions: false, renderer: "svg", logLevel: window.vega.Error },
      );
      view = result.view;
      el.dataset.rendered = "true";
    } catch (e) {
      target.textContent = `The chart could not be drawn: ${e.message}`;
    }
  });
  return el;
}
