import { api, followJob } from "./api.js";
import { field, fill, h, notify, progress, select } from "./dom.js";

export async function datasets() {
  return (await api("/v1/datasets?limit=1000")).items;
}

/** Columns of a dataset by type: dates, numbers (number or integer), categories. */
export function columnsByType(ds) {
  const cols = ds?.columns ?? [];
  return {
    dates: cols.filter((c) => c.type === "date").map((c) => c.name),
    numbers: cols.filter((c) => c.type === "number" || c.type === "integer").map((c) => c.name),
    categories: cols.filter((c) => c.type === "category").map((c) => c.name),
  };
}

/** A dataset chooser; `prefer` picks the first dataset whose name matches when nothing is chosen. */
export function datasetSelect(items, chosen, prefer) {
  const initial = chosen ?? items.find((d) => prefer?.test(d.name))?.id ?? items[0]?.id;
  return field(
    "Dataset",
    select(
      items.map((d) => [d.id, `${d.name} (${d.rows.toLocaleString("en-US")} rows)`]),
      initial,
      { name: "datasetId" },
    ),
  );
}

/**
 * A dataset chooser that rebuilds the rest of its form when another dataset is chosen: `build(ds, pick)` gets the
 * chosen dataset and the chooser's field (to place in the form), now and on every change.
 */
export function onDataset(items, prefer, build) {
  const pick = datasetSelect(items, undefined, prefer);
  const chooser = pick.querySelector("select");
  const rebuild = () =>
    build(
      items.find((d) => d.id === chooser.value),
      pick,
    );
  chooser.addEventListener("change", rebuild);
  rebuild();
}

/** A time-series form's date and target choosers: the first date column, the likeliest target (`targetRe`). */
export function dateAndTarget(ds, targetRe) {
  const { dates, numbers } = columnsByType(ds);
  return {
    date: select(dates, dates[0], { name: "date" }),
    target: select(numbers, numbers.find((c) => targetRe.test(c)) ?? numbers[numbers.length - 1], { name: "target" }),
  };
}

/** Fitted models of a kind, newest first, from the jobs list: [{id, label}]. */
export async function fittedModels(kind, resultKey) {
  const jobs = (await api("/v1/jobs")).items;
  return jobs
    .filter((j) => j.kind === kind && j.status === "succeeded" && j.result?.[resultKey])
    .map((j) => ({ id: j.result[resultKey], label: `${j.result[resultKey]} · ${new Date(j.finishedAt ?? j.createdAt).toLocaleString()}` }));
}

/**
 * Start a job and follow it with a progress bar placed in `slot`; resolves with the finished job, or null when it
 * was refused or failed (said above the page). The bar never goes back (progress() keeps the largest fraction seen).
 */
export async function runJob(slot, path, body, label) {
  const bar = progress(label);
  fill(slot, bar.el);
  try {
    const started = await api(path, { method: "POST", body });
    return await followJob(started.jobId, (f, m) => bar.set(f, m));
  } catch (err) {
    fill(slot);
    notify(err.message);
    return null;
  }
}

/** A plan line's label: its channel, and its segment when it has one. */
export const lineName = (l) => (l.segment ? `${l.channel} / ${l.segment}` : l.channel);

/** The warnings of an answer, as a list in words. */
export function warningList(warnings) {
  if (!warnings?.length) return null;
  return h(
    "ul",
    { class: "warn" },
    warnings.map((w) => h("li", {}, typeof w === "string" ? w : (w.message ?? JSON.stringify(w)))),
  );
}
