import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

const ROOT = new URL("../../", import.meta.url).pathname;

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly logs: string[];
  /** Resolves with the exit code (or signal) once the process ends. */
  readonly exited: Promise<number | string>;
}

/** Start `mixcast serve` as a real process on a free port and wait until it listens. */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 20_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve"], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
  createInterface({ input: child.stderr! }).on("line", (l) => logs.push(l));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not listen within ${timeoutMs} ms:\n${logs.join("\n")}`)), timeoutMs);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      logs.push(line);
      const m = /"url":"(http:[^"]+)"/.exec(line);
      if (m && line.includes("listening")) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then((c) => reject(new Error(`server exited (${c}) before listening:\n${logs.join("\n")}`)));
  });
  return { child, url, logs, exited };
}
