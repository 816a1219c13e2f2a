import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { HolidayCalendar, MemberPoints, MemberRuns } from "../forecast/forecast.ts";
import type { SeriesInput } from "../forecast/types.ts";

const BOOTSTRAP = new URL("./worker-bootstrap.mjs", import.meta.url);
const ENTRY = new URL("./member-worker.ts", import.meta.url).href;

/**
 * Runs a forecast's statistical members (every backtest fold and the full histories) on worker threads while the
 * calling thread trains the LSTM: one thread per core but the caller's, at least one, each given every n-th
 * series. The members are deterministic, so the answer equals the in-thread one. A thread that fails fails the run.
 */
export function parallelMembers(threads = Math.max(1, availableParallelism() - 1)) {
  return async (series: readonly SeriesInput[], folds: number, horizon: number, calendar: HolidayCalendar): Promise<MemberRuns> => {
    const n = Math.max(1, Math.min(threads, series.length));
    const groups = Array.from({ length: n }, (_, w) => series.flatMap((_, i) => (i % n === w ? [i] : [])));
    const parts = await Promise.all(
      groups.map(
        (ids) =>
          new Promise<MemberRuns>((resolve, reject) => {
            const worker = new Worker(BOOTSTRAP, { workerData: { entry: ENTRY, series: ids.map((i) => series[i]!), folds, horizon, calendar } });
            worker.once("message", (m: { done: MemberRuns }) => {
              resolve(m.done);
              void worker.terminate();
            });
            worker.once("error", reject);
            worker.once("exit", (code) => code !== 0 && reject(new Error(`a forecast members thread exited (${code}) before it finished`)));
          }),
      ),
    );
    // back into the series' order
    const place = <T>(pick: (p: MemberRuns) => readonly T[]): T[] => {
      const out = new Array<T>(series.length);
      groups.forEach((ids, w) => ids.forEach((i, k) => (out[i] = pick(parts[w]!)[k]!)));
      return out;
    };
    const variant = (of: (p: MemberRuns) => Pick<MemberRuns, "folds" | "final">) => ({
      folds: Array.from({ length: folds }, (_, run) => place<MemberPoints>((p) => of(p).folds[run]!)),
      final: place<MemberPoints>((p) => of(p).final!),
    });
    return { ...variant((p) => p), ...(calendar && { holidays: variant((p) => p.holidays!) }) };
  };
}
