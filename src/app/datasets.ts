import type { IngestOptions } from "../data/types.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { ingestCsv } from "../jobs/ingest-off-thread.ts";
import type { Store } from "../store/store.ts";

/**
 * Type and check a CSV (large files in a worker thread) and store it with its source bytes: nothing is stored
 * unless the whole file is valid (the 400 names line, row, column and value).
 */
export async function addDataset(store: Store, source: Uint8Array | string, options: IngestOptions) {
  const dataset = await ingestCsv(source, options);
  return store.datasets.add(dataset, source);
}

/**
 * Delete a dataset, unless a job is still reading it: then a 409 names the jobs, and nothing is deleted. The rule
 * chosen over cancelling those jobs: a delete should not silently throw away someone's running fit; the caller
 * cancels them (DELETE /v1/jobs/{id}) and deletes again. Check and delete run in one transaction.
 */
export async function deleteDataset(store: Store, id: string): Promise<void> {
  await store.transaction(async (tx) => {
    const active = await tx.jobs.activeOn(id);
    if (active.length) {
      const list = active.map((j) => `${j.jobId} (${j.kind}, ${j.status})`).join(", ");
      throw new ConflictError(
        `Dataset ${id} is in use by ${active.length === 1 ? "a job" : `${active.length} jobs`} still ${active.every((j) => j.status === "queued") ? "queued" : "running"}: ${list}. Cancel ${active.length === 1 ? "it" : "them"} (DELETE /v1/jobs/{id}) or wait for ${active.length === 1 ? "it" : "them"} to finish, then delete again.`,
        [{ path: ["params", "id"], message: "in use by running jobs", code: "dataset_in_use", value: active.map((j) => j.jobId) }],
      );
    }
    if (!(await tx.datasets.delete(id))) throw new NotFoundError(`No dataset ${id}.`);
  });
}
