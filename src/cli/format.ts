/** Plain-text output for people: aligned tables and a progress bar. Scripts use --json instead. */

export function formatTable(rows: readonly object[], columns: readonly string[]): string {
  const cell = (v: unknown) => (v === null || v === undefined ? "" : typeof v === "number" ? formatNumber(v) : String(v));
  const body = rows.map((r) => columns.map((c) => cell((r as Record<string, unknown>)[c])));
  const widths = columns.map((c, j) => Math.max(c.length, ...body.map((r) => r[j]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, j) => c.padEnd(widths[j]!))
      .join("  ")
      .trimEnd();
  return [line(columns), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e9) ? v.toExponential(3) : v.toFixed(4).replace(/0+$/, "").replace(/\.$/, "");
}

/** A one-line progress bar, redrawn in place on a terminal; on a pipe, a line per 10% step. */
export function progressBar(stream: NodeJS.WriteStream, width = 30) {
  let lastDecile = -1;
  return {
    update(fraction: number, message: string) {
      const f = Math.min(1, Math.max(0, fraction));
      if (stream.isTTY) {
        const filled = Math.round(f * width);
        stream.write(
          `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${(f * 100).toFixed(0).padStart(3)}% ${message}`
            .slice(0, (stream.columns ?? 100) - 1)
            .padEnd(Math.min(100, (stream.columns ?? 100) - 1)),
        );
      } else if (Math.floor(f * 10) > lastDecile) {
        lastDecile = Math.floor(f * 10);
        stream.write(`${(f * 100).toFixed(0)}% ${message}\n`);
      }
    },
    done() {
      if (stream.isTTY) stream.write("\n");
    },
  };
}
