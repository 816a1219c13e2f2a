import { createHash, randomUUID } from "node:crypto";
import type { Column, DataWarning, Dataset } from "../data/types.ts";
import { countAll } from "./dialect.ts";
import type { Conn, Tables } from "./schema.ts";
import { currentWorkspace } from "./workspace.ts";

/** Column description without its values: what listings show. */
export type ColumnInfo = Omit<Column, "values"> & { readonly type: Column["type"] };

export interface DatasetRecord {
  readonly id: string;
  readonly name: string;
  readonly rows: number;
  readonly columns: readonly ColumnInfo[];
  readonly warnings: readonly DataWarning[];
  readonly sourceSha256: string;
  readonly sourceBytes: number;
  readonly createdAt: string;
}

type Row = Omit<Tables["datasets"], "workspace" | "data_json">;

const META_COLUMNS = ["id", "name", "rows", "columns_json", "warnings_json", "source_sha256", "source_bytes", "created_at"] as const;

function toRecord(r: Row): DatasetRecord {
  return {
    id: r.id,
    name: r.name,
    rows: r.rows,
    columns: JSON.parse(r.columns_json) as ColumnInfo[],
    warnings: JSON.parse(r.warnings_json) as DataWarning[],
    sourceSha256: r.source_sha256,
    sourceBytes: r.source_bytes,
    createdAt: r.created_at,
  };
}

export function datasetRepo({ db }: Conn, fixedWorkspace?: string) {
  const workspace = () => fixedWorkspace ?? currentWorkspace();
  return {
    /** Store a dataset in one statement (all or nothing); returns its record. */
    async add(ds: Dataset, source: Uint8Array | string, now = new Date()): Promise<DatasetRecord> {
      const bytes = typeof source === "string" ? Buffer.from(source, "utf8") : source;
      const row: Row & { workspace: string; data_json: string } = {
        id: `ds_${randomUUID().replace(/-/g, "").slice(0, 16)}`,
        workspace: workspace(),
        name: ds.name,
        rows: ds.rows,
        columns_json: JSON.stringify(ds.columns.map(({ values: _values, ...info }) => info)),
        warnings_json: JSON.stringify(ds.warnings),
        data_json: JSON.stringify(ds.columns.map((c) => c.values)),
        source_sha256: createHash("sha256").update(bytes).digest("hex"),
        source_bytes: bytes.length,
        created_at: now.toISOString(),
      };
      await db.insertInto("datasets").values(row).execute();
      return toRecord(row);
    },
    async list(limit = 100, offset = 0): Promise<{ items: DatasetRecord[]; total: number }> {
      const ws = workspace();
      const rows = await db
        .selectFrom("datasets")
        .select(META_COLUMNS)
        .where("workspace", "=", ws)
        .orderBy("created_at")
        .orderBy("id")
        .limit(limit)
        .offset(offset)
        .execute();
      const count = await db.selectFrom("datasets").select(countAll.as("n")).where("workspace", "=", ws).executeTakeFirstOrThrow();
      return { items: rows.map(toRecord), total: Number(count.n) };
    },
    async get(id: string): Promise<DatasetRecord | undefined> {
      const r = await db.selectFrom("datasets").select(META_COLUMNS).where("workspace", "=", workspace()).where("id", "=", id).executeTakeFirst();
      return r && toRecord(r);
    },
    /** The full dataset with its values. */
    async load(id: string): Promise<(Dataset & { id: string }) | undefined> {
      const r = await db
        .selectFrom("datasets")
        .select([...META_COLUMNS, "data_json"])
        .where("workspace", "=", workspace())
        .where("id", "=", id)
        .executeTakeFirst();
      if (!r) return undefined;
      const meta = toRecord(r);
      const values = JSON.parse(r.data_json) as unknown[][];
      const columns = meta.columns.map((c, i) => ({ ...c, values: values[i] }) as Column);
      return { id, name: meta.name, rows: meta.rows, columns, warnings: meta.warnings };
    },
    async delete(id: string): Promise<boolean> {
      const r = await db.deleteFrom("datasets").where("workspace", "=", workspace()).where("id", "=", id).executeTakeFirst();
      return r.numDeletedRows > 0n;
    },
  };
}

export type DatasetRepo = ReturnType<typeof datasetRepo>;
