// Worker threads start without the TypeScript loader the main thread runs under (tsx): register it, then load
// the real worker. Plain JS on purpose: this file must run before any .ts can.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
