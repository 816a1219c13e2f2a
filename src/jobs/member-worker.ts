import { parentPort, workerData } from "node:worker_threads";
import { type HolidayCalendar, memberRuns } from "../forecast/forecast.ts";
import type { SeriesInput } from "../forecast/types.ts";

// One statistical-members thread of parallel-members.ts: its share of the series, every fold and the full histories.
const { series, folds, horizon, calendar } = workerData as { series: SeriesInput[]; folds: number; horizon: number; calendar: HolidayCalendar };
parentPort!.postMessage({ done: memberRuns(series, folds, horizon, calendar, true) });
