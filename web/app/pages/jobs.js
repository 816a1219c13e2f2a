import { api, canWrite } from "../api.js";
import { fill, h, notify, table } from "../dom.js";

const LINKS = { "mmm-fit": ["modelId", "mmm?model="], "forecast-train": ["forecastId", "forecast?forecast="] };

/** Jobs: running and recent jobs with their progress; cancel one that has not ended. Refreshes while shown. */
export async function jobsPage(view) {
  const list = h("div", { id: "jobs-list" });
  const where = h("p", { id: "jobs-runner", class: "readonly-note" });
  fill(view, h("h1", {}, "Jobs"), where, list);
  const draw = async () => {
    const [jobs, health] = await Promise.all([api("/v1/jobs").then((r) => r.items), api("/healthz")]);
    const j = health.jobs;
    where.textContent =
      j.runner === "bullmq"
        ? `Jobs run on the queue: ${j.workers ?? 0} worker(s) connected, ${j.running} running, ${j.queued} waiting.`
        : `Jobs run in worker threads of the service: ${j.running} running, ${j.queued} waiting, up to ${j.concurrency} at once.`;
    fill(
      list,
      table(
        [
          { label: "Job", value: (j) => j.jobId },
          { label: "Kind", value: (j) => j.kind },
          { label: "Status", value: (j) => j.status },
          {
            label: "Progress",
            value: (j) =>
              h(
                "span",
                {},
                h("progress", { max: 1, value: j.progress?.fraction ?? 0, "aria-label": `${j.jobId} progress` }),
                ` ${Math.round((j.progress?.fraction ?? 0) * 100)}% ${j.progress?.message ?? ""}`,
              ),
          },
          { label: "Started", value: (j) => (j.startedAt ? new Date(j.startedAt).toLocaleString() : "–") },
          {
            label: "Result",
            value: (j) => {
              const link = LINKS[j.kind];
              const id = link && j.result?.[link[0]];
              return id ? h("a", { href: `#/${link[1]}${id}` }, "open") : j.status === "failed" ? (j.error?.detail ?? "failed") : "";
            },
          },
          {
            label: "Cancel",
            value: (j) =>
              j.status === "queued" || j.status === "running"
                ? h(
                    "button",
                    {
                      type: "button",
                      class: "secondary",
                      disabled: !canWrite(),
                      "aria-label": `Cancel ${j.jobId}`,
                      onclick: async () => {
                        try {
                          await api(`/v1/jobs/${j.jobId}`, { method: "DELETE" });
                          await draw();
                        } catch (e) {
                          notify(e.message);
                        }
                      },
                    },
                    "Cancel",
                  )
                : "",
          },
        ],
        jobs,
        { caption: "Running and recent jobs (newest first)" },
      ),
    );
  };
  await draw();
  // refresh while this page is shown and something is still running
  const timer = setInterval(async () => {
    if (!document.body.contains(list)) return clearInterval(timer);
    await draw().catch(() => {});
  }, 1500);
}
