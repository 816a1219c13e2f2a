/** h("button", {class: "x", onclick}, "text", child): a small element builder (no innerHTML, so no injection). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k in el && k !== "list" && typeof v !== "string") el[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

let ids = 0;
export const uid = (p = "f") => `${p}-${++ids}`;

/** A labelled control: the label is tied to the input by id (screen readers and axe need it). */
export function field(label, control, hint) {
  control.id ||= uid();
  return h("div", {}, h("label", { for: control.id }, label), control, hint ? h("small", { class: "readonly-note" }, hint) : null);
}

export function select(options, value, attrs = {}) {
  return h(
    "select",
    attrs,
    options.map((o) => {
      const [v, text] = Array.isArray(o) ? o : [o, o];
      return h("option", { value: v, selected: v === value }, text);
    }),
  );
}

/** Checkboxes in a fieldset; returns the fieldset and a getter of the checked values. */
export function checks(legend, values, checked) {
  const boxes = values.map((v) => h("input", { type: "checkbox", value: v, checked: checked(v) }));
  const set = h(
    "fieldset",
    {},
    h("legend", {}, legend),
    h(
      "div",
      { class: "checks" },
      boxes.map((b, i) => h("label", {}, b, values[i])),
    ),
  );
  return { el: set, values: () => boxes.filter((b) => b.checked).map((b) => b.value) };
}

export const money = (v) => {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  const r = Math.round(v) || 0; // no "-0"
  return r < 0 ? `−$${(-r).toLocaleString("en-US")}` : `$${r.toLocaleString("en-US")}`;
};
export const num = (v, digits = 3) => (v === null || v === undefined || !Number.isFinite(v) ? "–" : Number(v.toPrecision(digits)).toLocaleString("en-US"));
export const pct = (v) => (v === null || v === undefined || !Number.isFinite(v) ? "–" : `${(v * 100).toFixed(1)}%`);
export const pval = (p) => (p === null || p === undefined ? "–" : p < 0.001 ? "< 0.001" : p.toFixed(3));

/** A table from column specs {label, value(row), num?} and rows; `rowClass(row)` marks rows. */
export function table(columns, rows, { caption, rowClass } = {}) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      caption ? h("caption", {}, caption) : null,
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          columns.map((c) => h("th", { scope: "col", class: c.num ? "num" : undefined }, c.label)),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((r) =>
          h(
            "tr",
            { class: rowClass?.(r) },
            columns.map((c) => h("td", { class: c.num ? "num" : undefined }, c.value(r))),
          ),
        ),
      ),
    ),
  );
}

/** A progress bar with its message, for a job. */
export function progress(label) {
  const bar = h("progress", { class: "progress", max: 1, value: 0, "aria-label": label });
  const text = h("span", { "aria-live": "polite" }, "queued");
  return {
    el: h("div", { class: "row" }, bar, text),
    set(fraction, message) {
      bar.value = Math.max(bar.value, fraction);
      text.textContent = `${Math.round(fraction * 100)}% · ${message}`;
    },
  };
}

/** Show a message above the page (an error by default). */
export function notify(text, kind = "error") {
  const box = document.getElementById("message");
  box.textContent = text;
  box.className = kind === "error" ? "message" : "message info";
  box.hidden = !text;
}

/** Replace an element's children, skipping null/false ones (optional parts of a page). */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}
