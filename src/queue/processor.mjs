// BullMQ's sandboxed processor: BullMQ forks a child process that loads this file and calls its default export per
// job, so a job that crashes its process does not take the worker down. Plain JS on purpose: the child starts
// without the TypeScript loader; register it, then load the real processor.
import { register } from "tsx/esm/api";

register();
const { processJob } = await import("./process.ts");
export default processJob;
// the worker process that forked this one died (a kill, a crash): stop, so the job runs once, on its next worker
process.on("disconnect", () => process.exit(1));
