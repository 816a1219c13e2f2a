import { api, canWrite } from "../api.js";
import { datasets } from "../common.js";
import { fill, h, notify, table } from "../dom.js";

/** Data: upload a CSV (drag and drop or choose), see its columns, types and warnings; list and delete datasets. */
export async function dataPage(view) {
  const list = h("div");
  const detail = h("div", { id: "dataset-detail" });
  const refresh = async () => {
    const items = await datasets();
    fill(
      list,
      table(
        [
          { label: "Name", value: (d) => h("button", { type: "button", class: "secondary", onclick: () => show(d) }, d.name) },
          { label: "Rows", value: (d) => d.rows.toLocaleString("en-US"), num: true },
          { label: "Columns", value: (d) => d.columns.length, num: true },
          { label: "Warnings", value: (d) => d.warnings.length, num: true },
          { label: "Added", value: (d) => new Date(d.createdAt).toLocaleString() },
          {
            label: "Delete",
            value: (d) =>
              h(
                "button",
                {
                  type: "button",
                  class: "secondary",
                  disabled: !canWrite(),
                  "aria-label": `Delete ${d.name}`,
                  onclick: async () => {
                    if (!confirm(`Delete the dataset ${d.name}? Models fitted on it stay.`)) return;
                    try {
                      await api(`/v1/datasets/${d.id}`, { method: "DELETE" });
                      fill(detail);
                      await refresh();
                    } catch (e) {
                      notify(e.message);
                    }
                  },
                },
                "Delete",
              ),
          },
        ],
        items,
        { caption: "Datasets in this workspace" },
      ),
    );
  };
  const show = (d) =>
    fill(
      detail,
      h("h2", {}, `${d.name}: columns`),
      table(
        [
          { label: "Column", value: (c) => c.name },
          { label: "In the file", value: (c) => c.original },
          { label: "Type", value: (c) => c.type + (c.format ? ` (${c.format})` : "") },
          { label: "Missing", value: (c) => c.missing, num: true },
          { label: "Levels", value: (c) => (c.levels ? c.levels.slice(0, 6).join(", ") + (c.levels.length > 6 ? ` … (${c.levels.length})` : "") : "") },
        ],
        d.columns,
      ),
      d.warnings.length
        ? h(
            "div",
            {},
            h("h3", {}, "Data-quality warnings"),
            h(
              "ul",
              { class: "warn" },
              d.warnings.map((w) => h("li", {}, w.message)),
            ),
          )
        : h("p", { class: "good" }, "No data-quality warnings."),
    );
  const upload = async (file) => {
    const name = file.name.replace(/\.csv$/i, "").replace(/[^A-Za-z0-9_-]+/g, "-") || "upload";
    try {
      const created = await api(`/v1/datasets?name=${encodeURIComponent(name)}`, { method: "POST", body: await file.text(), csv: true });
      notify(`Uploaded ${created.name}: ${created.rows} rows.`, "info");
      await refresh();
      show(created);
    } catch (e) {
      notify(`The upload was refused: ${e.message}`);
    }
  };
  const input = h("input", { type: "file", accept: ".csv,text/csv", id: "upload-file", onchange: () => input.files?.[0] && upload(input.files[0]) });
  const drop = h(
    "div",
    {
      class: "drop",
      ondragover: (e) => (e.preventDefault(), drop.classList.add("over")),
      ondragleave: () => drop.classList.remove("over"),
      ondrop: (e) => {
        e.preventDefault();
        drop.classList.remove("over");
        const f = e.dataTransfer?.files?.[0];
        if (f) void upload(f); // upload reports its own errors
      },
    },
    h("p", {}, "Drop a CSV file here (a header row; dates, numbers and categories are recognised), or"),
    h("label", { for: "upload-file" }, "choose a file"),
    input,
  );
  fill(
    view,
    h("h1", {}, "Data"),
    h(
      "p",
      { class: "summary" },
      "Start here: the bundled sample-daily-sales is loaded. ",
      h("a", { href: "#/mmm" }, "Fit a marketing-mix model"),
      " on it (the fast method takes seconds), then ",
      h("a", { href: "#/plan" }, "plan a budget"),
      " or ",
      h("a", { href: "#/whatif" }, "try a what-if"),
      " with it; or ",
      h("a", { href: "#/forecast" }, "forecast its next 90 days"),
      ". Your own CSV goes in below.",
    ),
    canWrite()
      ? h("section", { class: "panel", "aria-label": "Upload" }, drop)
      : h("p", { class: "readonly-note" }, "Read-only key: uploads and deletes are off."),
    list,
    detail,
  );
  await refresh();
}
