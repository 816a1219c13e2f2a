import type { Request, RequestHandler } from "express";
import { ForbiddenError, UnauthorizedError } from "../errors.ts";
import { createHash } from "node:crypto";
import { SCOPES, type ApiKey, type Scope } from "../store/keys.ts";
import { DEFAULT_WORKSPACE, inWorkspace } from "../store/workspace.ts";
import type { AppDeps } from "./deps.ts";

const OPEN_PATHS = new Set(["/healthz"]);
const RANK: Record<Scope, number> = { read: 0, write: 1, admin: 2 };
/** POSTs that only compute from stored models: a read key may call them. */
const READ_POSTS = [/^\/v1\/scenarios$/, /^\/v1\/regressions\/[^/]+\/predict$/];

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

/** Whether requests need a key: beyond loopback always (with "auto"), on loopback once any key exists. */
export async function authRequired(deps: AppDeps): Promise<boolean> {
  const mode = deps.config.MIXCAST_AUTH ?? "auto";
  if (mode !== "auto") return mode === "on";
  return !isLoopback(deps.config.HOST ?? "127.0.0.1") || (await deps.store.keys.activeCount()) > 0;
}

/**
 * Key checks from memory on the hot path: the store is asked at most every MIXCAST_KEY_CACHE_MS per token (keyed by the
 * token's hash, never the token) and for the count of keys. Keys are created and revoked by the CLI, another
 * process, so the cache expires rather than being told.
 */
function keyCache(deps: AppDeps) {
  const ttl = deps.config.MIXCAST_KEY_CACHE_MS ?? 5_000;
  const verified = new Map<string, { key: ApiKey | null; until: number }>();
  let required = { value: false, until: 0 };
  return {
    async required(): Promise<boolean> {
      const now = Date.now();
      if (now >= required.until) required = { value: await authRequired(deps), until: now + ttl };
      return required.value;
    },
    async verify(token: string): Promise<ApiKey | null> {
      const now = Date.now();
      const id = createHash("sha256").update(token).digest("base64url");
      const hit = verified.get(id);
      if (hit && now < hit.until) return hit.key;
      const key = await deps.store.keys.verify(token);
      if (verified.size >= 10_000) verified.clear(); // bounded: a flood of random tokens cannot grow it
      verified.set(id, { key, until: now + ttl });
      return key;
    },
  };
}

export function requiredScope(req: Request): Scope {
  if (req.path === "/metrics") return "admin";
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return "read";
  if (req.method === "POST" && READ_POSTS.some((r) => r.test(req.path))) return "read";
  return "write";
}

/**
 * API keys as bearer tokens: the key's workspace scopes every store query of the request, its scopes (read <
 * write < admin) gate the method. Spreadsheets cannot send headers, so a key whose only scope is `read` may come
 * as `?key=` on a GET; it is removed from the query before anything else sees it (and only paths are logged).
 */
export function authenticate(deps: AppDeps): RequestHandler {
  const cache = keyCache(deps);
  return async (req, res, next) => {
    const fromQuery = typeof req.query.key === "string" ? req.query.key : undefined;
    if (fromQuery !== undefined) {
      const { key: _key, ...rest } = req.query;
      Object.defineProperty(req, "query", { value: rest, writable: true, configurable: true });
    }
    if (OPEN_PATHS.has(req.path) || !(await cache.required())) {
      res.locals.clientId = req.ip;
      res.locals.scopes = SCOPES;
      return inWorkspace(DEFAULT_WORKSPACE, next);
    }
    const header = req.get("authorization");
    const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const token = bearer ?? fromQuery;
    if (!token) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="mixcast"');
      throw new UnauthorizedError("An API key is required: send Authorization: Bearer <key> (create one with `mixcast keys create`).", [
        { path: ["headers", "authorization"], message: "missing" },
      ]);
    }
    const key = await cache.verify(token);
    if (!key) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="mixcast", error="invalid_token"');
      throw new UnauthorizedError("The API key is not valid (unknown, revoked or mistyped).", [
        { path: bearer ? ["headers", "authorization"] : ["query", "key"], message: "invalid key" },
      ]);
    }
    if (!bearer && (req.method !== "GET" || key.scopes.some((s) => s !== "read"))) {
      throw new UnauthorizedError(
        "?key= is accepted only on GET and only for read-only keys (a URL ends up in histories and logs); send Authorization: Bearer <key>.",
        [{ path: ["query", "key"], message: "not allowed here" }],
      );
    }
    const need = requiredScope(req);
    const best = Math.max(...key.scopes.map((s) => RANK[s]));
    if (best < RANK[need])
      throw new ForbiddenError(`This key has scope ${key.scopes.join(", ")}; ${req.method} ${req.path} needs ${need}.`, [
        { path: ["headers", "authorization"], message: `needs ${need}` },
      ]);
    res.locals.clientId = `key:${key.id}`;
    res.locals.scopes = key.scopes;
    inWorkspace(key.workspace, next);
  };
}
