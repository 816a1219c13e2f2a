import { ValidationError } from "../errors.ts";
import { SCOPES, type Scope } from "../store/keys.ts";
import type { Store } from "../store/store.ts";
import { DEFAULT_WORKSPACE } from "../store/workspace.ts";
import { commaList } from "./args.ts";
import { formatTable } from "./format.ts";

const USAGE = "usage: mixcast keys create --name NAME --scopes read[,write,admin] [--workspace W] | keys list | keys revoke ID";

/** mixcast keys create|list|revoke: API keys, shown once at creation (the store keeps only a hash). */
export async function keys(
  store: Store,
  sub: string | undefined,
  arg: string | undefined,
  flags: { name?: string; scopes?: string; workspace?: string; json?: boolean },
): Promise<number> {
  if (sub === "create") {
    if (!flags.name || !flags.scopes) throw new ValidationError(USAGE);
    const scopes = commaList(flags.scopes);
    const bad = scopes.find((s) => !(SCOPES as readonly string[]).includes(s));
    if (bad) throw new ValidationError(`--scopes: ${bad} is not a scope (${SCOPES.join(", ")}).`);
    const { key, token } = await store.keys.create(flags.workspace ?? DEFAULT_WORKSPACE, flags.name, scopes as Scope[]);
    if (flags.json) console.log(JSON.stringify({ ...key, token }, null, 2));
    else console.log(`${token}\n\nKey ${key.id} (${key.scopes.join(", ")}) for workspace ${key.workspace}. Keep the token: it is not shown again.`);
    return 0;
  }
  if (sub === "list") {
    const all = await store.keys.list();
    if (flags.json) console.log(JSON.stringify(all, null, 2));
    else
      console.log(
        formatTable(
          all.map((k) => ({ ...k, scopes: k.scopes.join(","), revokedAt: k.revokedAt ?? "" })),
          ["id", "name", "workspace", "scopes", "createdAt", "revokedAt"],
        ),
      );
    return 0;
  }
  if (sub === "revoke" && arg) {
    if (!(await store.keys.revoke(arg))) {
      console.error(`No active key ${arg}.`);
      return 1;
    }
    console.log(`Revoked ${arg}.`);
    return 0;
  }
  throw new ValidationError(USAGE);
}
