import express, { Router } from "express";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../../web");
/** The chart libraries' browser builds, from the installed packages (no CDN): file name → path. */
const VENDOR: Record<string, string> = {
  "vega.min.js": join(dirname(require.resolve("vega")), "vega.min.js"),
  "vega-lite.min.js": join(dirname(require.resolve("vega-lite")), "vega-lite.min.js"),
  "vega-embed.min.js": join(dirname(require.resolve("vega-embed")), "vega-embed.min.js"),
};

/**
 * The dashboard: static files only (plain ES modules, no build step), open without a key because they hold no
 * data; every number on its pages comes from the same /v1 endpoints a script calls, with the user's key.
 */
export function webRoutes(): Router {
  const router = Router();
  const noStore = { maxAge: 0, index: false } as const;
  router.get("/", (_req, res) => void res.sendFile(join(WEB_DIR, "index.html")));
  for (const file of ["style.css", "favicon.svg"]) router.get(`/${file}`, (_req, res) => void res.sendFile(join(WEB_DIR, file)));
  router.use("/app", express.static(join(WEB_DIR, "app"), noStore));
  router.get("/vendor/:file", (req, res, next) => {
    const file = VENDOR[req.params.file];
    if (!file) return next();
    res.sendFile(file, { maxAge: "1d" });
  });
  return router;
}
