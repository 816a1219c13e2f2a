import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { countAll } from "./dialect.ts";
import type { Conn, Tables } from "./schema.ts";

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

type Row = Tables["api_keys"];

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
export function keyRepo({ db }: Conn) {
  const byId = (id: string) => db.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirst();
  return {
    async create(workspace: string, name: string, scopes: readonly Scope[]): Promise<{ key: ApiKey; token: string }> {
      const id = randomBytes(6).toString("hex");
      const secret = randomBytes(32).toString("base64url");
      const row = {
        id,
        workspace,
        name,
        scopes: [...new Set(scopes)].join(","),
        secret_hash: hash(secret),
        created_at: new Date().toISOString(),
        revoked_at: null,
      };
      await db.insertInto("api_keys").values(row).execute();
      return { key: toKey(row), token: `mxk_${id}_${secret}` };
    },
    async list(): Promise<ApiKey[]> {
      return (await db.selectFrom("api_keys").selectAll().orderBy("created_at").orderBy("id").execute()).map(toKey);
    },
    async revoke(id: string): Promise<boolean> {
      const r = await db
        .updateTable("api_keys")
        .set({ revoked_at: new Date().toISOString() })
        .where("id", "=", id)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
    async activeCount(): Promise<number> {
      const r = await db.selectFrom("api_keys").select(countAll.as("n")).where("revoked_at", "is", null).executeTakeFirstOrThrow();
      return Number(r.n);
    },
    /** The key a token stands for, or null (malformed, unknown, wrong secret, revoked). Constant-time compare. */
    async verify(token: string): Promise<ApiKey | null> {
      const m = TOKEN.exec(token);
      if (!m) return null;
      const r = await byId(m[1]!);
      if (!r || r.revoked_at) return null;
      const a = Buffer.from(hash(m[2]!), "hex");
      const b = Buffer.from(r.secret_hash, "hex");
      return a.length === b.length && timingSafeEqual(a, b) ? toKey(r) : null;
    },
  };
}

export type KeyRepo = ReturnType<typeof keyRepo>;
