import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "./db.ts";

export const SCOPES = ["read", "write", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKey {
  readonly id: string;
  readonly workspace: string;
  readonly name: string;
  readonly scopes: readonly Scope[];
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

interface Row {
  id: string;
  workspace: string;
  name: string;
  scopes: string;
  secret_hash: string;
  created_at: string;
  revoked_at: string | null;
}

const TOKEN = /^mxk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
// The secret is 256 random bits, so one SHA-256 is enough at rest (as for GitHub's tokens); a slow password hash
// guards low-entropy secrets and would cost milliseconds on every request.
const hash = (secret: string) => createHash("sha256").update(secret).digest("hex");

const toKey = (r: Row): ApiKey => ({
  id: r.id,
  workspace: r.workspace,
  name: r.name,
  scopes: r.scopes.split(",") as Scope[],
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

/** API keys: `mxk_<id>_<secret>` bearer tokens, shown once at creation; the store keeps a hash of the secret. */
export function keyRepo(db: Db) {
  const insert = db.prepare(`INSERT INTO api_keys (id, workspace, name, scopes, secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`);
  const byId = db.prepare(`SELECT * FROM api_keys WHERE id = ?`);
  const all = db.prepare(`SELECT * FROM api_keys ORDER BY created_at, id`);
  const active = db.prepare(`SELECT count(*) AS n FROM api_keys WHERE revoked_at IS NULL`);
  const revoke = db.prepare(`UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`);
  return {
    create(workspace: string, name: string, scopes: readonly Scope[]): { key: ApiKey; token: string } {
      const id = randomBytes(6).toString("hex");
      const secret = randomBytes(32).toString("base64url");
      insert.run(id, workspace, name, [...new Set(scopes)].join(","), hash(secret), new Date().toISOString());
      return { key: toKey(byId.get(id) as Row), token: `mxk_${id}_${secret}` };
    },
    list(): ApiKey[] {
      return (all.all() as Row[]).map(toKey);
    },
    revoke(id: string): boolean {
      return revoke.run(new Date().toISOString(), id).changes > 0;
    },
    activeCount(): number {
      return (active.get() as { n: number }).n;
    },
    /** The key a token stands for, or null (malformed, unknown, wrong secret, revoked). Constant-time compare. */
    verify(token: string): ApiKey | null {
      const m = TOKEN.exec(token);
      if (!m) return null;
      const r = byId.get(m[1]!) as Row | undefined;
      if (!r || r.revoked_at) return null;
      const a = Buffer.from(hash(m[2]!), "hex");
      const b = Buffer.from(r.secret_hash, "hex");
      return a.length === b.length && timingSafeEqual(a, b) ? toKey(r) : null;
    },
  };
}

export type KeyRepo = ReturnType<typeof keyRepo>;
