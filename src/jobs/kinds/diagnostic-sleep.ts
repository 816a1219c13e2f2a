import type { JobContext } from "../context.ts";

export async function runDiagnosticSleep(payload: unknown, ctx: JobContext) {
  const { seconds } = payload as { seconds: number };
  const steps = Math.max(1, Math.ceil(seconds * 10));
  for (let i = 1; i <= steps; i++) {
    await new Promise((r) => setTimeout(r, (seconds * 1000) / steps));
    ctx.progress(i / steps, `slept ${((i * seconds) / steps).toFixed(1)} of ${seconds} s`);
  }
  return { slept: seconds };
}
