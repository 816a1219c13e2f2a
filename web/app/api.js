// Every number on the dashboard comes from the public /v1 API, called here with the user's key (kept for this tab).
const KEY = "mixcast.key";

export const session = { key: sessionStorage.getItem(KEY) ?? "", scopes: /** @type {string[]} */ ([]), authRequired: false };

/** Whether this key may start fits, upload and delete (a read key sees the pages read-only). */
export const canWrite = () => session.scopes.includes("write") || session.scopes.includes("admin");

export function setKey(key) {
  session.key = key;
  sessionStorage.setItem(KEY, key);
}

/** Called on a 401 so the page can ask for a key; resolves true when one was entered. Set by main.js. */
let onUnauthorized = async () => false;
export const whenUnauthorized = (fn) => {
  onUnauthorized = fn;
};

export class ApiError extends Error {
  constructor(status, problem) {
    super(inWords(status, problem));
    this.status = status;
    this.problem = problem;
  }
}

/** A problem+json answer in words a planner can act on. */
function inWords(status, p) {
  const detail = p?.detail ?? p?.title ?? "";
  if (status === 401) return `The service needs a valid API key. ${detail}`.trim();
  if (status === 403) return `Your key may not do this (it is read-only or for another workspace). ${detail}`.trim();
  if (status === 404) return `Not found: ${detail || "it may have been deleted"}`;
  const issues = Array.isArray(p?.issues)
    ? p.issues
        .slice(0, 3)
        .map((i) => i.message)
        .filter(Boolean)
    : [];
  return [detail || `The service answered ${status}.`, ...issues.filter((m) => !detail.includes(m))].join(" ");
}

/**
 * Call the API. `body` is sent as JSON (or as CSV text with `csv: true`); `accept: "text/csv"` returns text.
 * @returns {Promise<any>}
 */
export async function api(path, { method = "GET", body = undefined, csv = false, accept = "application/json", signal = undefined, retry = true } = {}) {
  const headers = { Accept: accept };
  if (session.key) headers.Authorization = `Bearer ${session.key}`;
  if (body !== undefined) headers["Content-Type"] = csv ? "text/csv" : "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : csv ? body : JSON.stringify(body), signal });
  // ask for a key and try again, for as long as the user enters one (closing the dialog gives up)
  if (res.status === 401 && retry && (await onUnauthorized())) return api(path, { method, body, csv, accept, signal, retry });
  if (!res.ok) {
    const problem = await res.json().catch(() => ({}));
    throw new ApiError(res.status, problem);
  }
  if (res.status === 204) return null;
  return accept === "text/csv" ? res.text() : res.json();
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Follow a job until it ends; `onProgress(fraction, message)` on every poll. Resolves with the job. */
export async function followJob(jobId, onProgress) {
  for (;;) {
    const job = await api(`/v1/jobs/${jobId}`);
    onProgress(job.progress?.fraction ?? 0, job.progress?.message ?? job.status, job);
    if (job.status === "succeeded") return job;
    if (job.status === "failed" || job.status === "cancelled") {
      const why = job.error?.detail ?? job.error?.message ?? job.status;
      throw new Error(`The job ${job.status === "cancelled" ? "was cancelled" : "failed"}: ${why}`);
    }
    await sleep(400);
  }
}

/** Save text as a file the browser downloads. */
export function saveText(text, filename, type = "text/csv") {
  saveUrl(URL.createObjectURL(new Blob([text], { type })), filename, true);
}

export function saveUrl(url, filename, revoke = false) {
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  if (revoke) setTimeout(() => URL.revokeObjectURL(url), 1000);
}
