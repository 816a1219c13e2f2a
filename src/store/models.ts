import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { jsonText } from "./dialect.ts";
import type { Conn, Tables } from "./schema.ts";
import { currentWorkspace } from "./workspace.ts";

/** A binary artefact saved beside a model (tfjs weights, topology). */
export interface Artifact {
  readonly name: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

export interface ModelRecord<Spec = unknown, Result = unknown> {
  readonly id: string;
  readonly kind: string;
  readonly datasetId: string | null;
  readonly schemaVersion: number;
  readonly spec: Spec;
  readonly result: Result;
  readonly createdAt: string;
  /** Names of stored artefacts; fetch bytes with `artifacts(id)`. */
  readonly artifactNames: readonly string[];
}

type Row = Omit<Tables["models"], "workspace">;

const COLUMNS = ["id", "kind", "dataset_id", "schema_version", "spec_json", "result_json", "created_at"] as const;

function toRecord<S, R>(r: Row, artifactNames: readonly string[]): ModelRecord<S, R> {
  return {
    id: r.id,
    kind: r.kind,
    datasetId: r.dataset_id,
    schemaVersion: r.schema_version,
    spec: JSON.parse(r.spec_json) as S,
    result: JSON.parse(r.result_json) as R,
    createdAt: r.created_at,
    artifactNames,
  };
}

/** Rows as records, with each model's artefact names (one query for all of them). */
async function withNames<S, R>(db: Kysely<Tables>, rows: readonly Row[]): Promise<ModelRecord<S, R>[]> {
  if (rows.length === 0) return [];
  const names = await db
    .selectFrom("model_artifacts")
    .select(["model_id", "name"])
    .where(
      "model_id",
      "in",
      rows.map((r) => r.id),
    )
    .orderBy("name")
    .execute();
  return rows.map((r) =>
    toRecord<S, R>(
      r,
      names.filter((n) => n.model_id === r.id).map((n) => n.name),
    ),
  );
}

/** Fitted models: JSON spec and result plus binary artefacts, written together in one transaction. */
export function modelRepo({ db, kind: dialect }: Conn, fixedWorkspace?: string) {
  const workspace = () => fixedWorkspace ?? currentWorkspace();
  const first = async <S, R>(rows: readonly Row[]) => (await withNames<S, R>(db, rows))[0];
  return {
    async save<S, R>(m: {
      kind: string;
      datasetId: string | null;
      schemaVersion: number;
      spec: S;
      result: R;
      artifacts?: readonly Artifact[];
    }): Promise<ModelRecord<S, R>> {
      const id = `mdl_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
      const row = {
        id,
        workspace: workspace(),
        kind: m.kind,
        dataset_id: m.datasetId,
        schema_version: m.schemaVersion,
        spec_json: JSON.stringify(m.spec),
        result_json: JSON.stringify(m.result),
        created_at: new Date().toISOString(),
      };
      const artifacts = m.artifacts ?? [];
      const write = async (tx: Kysely<Tables>) => {
        await tx.insertInto("models").values(row).execute();
        if (artifacts.length > 0)
          await tx
            .insertInto("model_artifacts")
            .values(artifacts.map((a) => ({ model_id: id, name: a.name, content_type: a.contentType, bytes: Buffer.from(a.bytes) })))
            .execute();
      };
      // the model and its artefacts land together (inside the caller's transaction when there is one)
      if (db.isTransaction) await write(db);
      else await db.transaction().execute(write);
      return toRecord<S, R>(row, artifacts.map((a) => a.name).sort());
    },
    async get<S = unknown, R = unknown>(id: string): Promise<ModelRecord<S, R> | undefined> {
      return first<S, R>(await db.selectFrom("models").select(COLUMNS).where("workspace", "=", workspace()).where("id", "=", id).execute());
    },
    /** The newest model of `kind` whose spec has this `trainingKey` (same data and training options). */
    async findByTrainingKey<S = unknown, R = unknown>(kind: string, trainingKey: string): Promise<ModelRecord<S, R> | undefined> {
      const rows = await db
        .selectFrom("models")
        .select(COLUMNS)
        .where("workspace", "=", workspace())
        .where("kind", "=", kind)
        .where(jsonText(dialect, "spec_json", "trainingKey"), "=", trainingKey)
        .orderBy("created_at", "desc")
        .orderBy("id")
        .limit(1)
        .execute();
      return first<S, R>(rows);
    },
    async list(kind?: string, limit = 100): Promise<ModelRecord[]> {
      let q = db.selectFrom("models").select(COLUMNS).where("workspace", "=", workspace());
      if (kind !== undefined) q = q.where("kind", "=", kind);
      return withNames(db, await q.orderBy("created_at").orderBy("id").limit(limit).execute());
    },
    async artifacts(id: string): Promise<Artifact[]> {
      const rows = await db
        .selectFrom("model_artifacts as a")
        .innerJoin("models as m", "m.id", "a.model_id")
        .select(["a.name", "a.content_type", "a.bytes"])
        .where("m.workspace", "=", workspace())
        .where("a.model_id", "=", id)
        .orderBy("a.name")
        .execute();
      return rows.map((a) => ({ name: a.name, contentType: a.content_type, bytes: new Uint8Array(a.bytes) }));
    },
    async delete(id: string): Promise<boolean> {
      const r = await db.deleteFrom("models").where("workspace", "=", workspace()).where("id", "=", id).executeTakeFirst();
      return r.numDeletedRows > 0n;
    },
  };
}

export type ModelRepo = ReturnType<typeof modelRepo>;
