import { createHash, randomUUID } from "node:crypto";
import type { Column, DataWarning, Dataset } from "../data/types.ts";
import type { Db } from "./db.ts";
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

interface Row {
  id: string;
  name: string;
  rows: number;
  columns_json: string;
  warnings_json: string;
  source_sha256: string;
  source_bytes: number;
  created_at: string;
}

const META_COLUMNS = "id, name, rows, columns_json, warnings_json, source_sha256, source_bytes, created_at";

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

export function datasetRepo(db: Db, fixedWorkspace?: string) {
  const workspace = () => fixedWorkspace ?? currentWorkspace();
  const insert = db.prepare(
    `INSERT INTO datasets (id, workspace, name, rows, columns_json, warnings_json, data_json, source_sha256, source_bytes, created_at)
     VALUES (@id, @workspace, @name, @rows, @columns_json, @warnings_json, @data_json, @source_sha256, @source_bytes, @created_at)`,
  );
  const list = db.prepare(`SELECT ${META_COLUMNS} FROM datasets WHERE workspace = ? ORDER BY created_at, id LIMIT ? OFFSET ?`);
  const count = db.prepare(`SELECT count(*) AS n FROM datasets WHERE workspace = ?`);
  const getMeta = db.prepare(`SELECT ${META_COLUMNS} FROM datasets WHERE workspace = ? AND id = ?`);
  const getData = db.prepare(`SELECT data_json FROM datasets WHERE workspace = ? AND id = ?`);
  const del = db.prepare(`DELETE FROM datasets WHERE workspace = ? AND id = ?`);

  return {
    /** Store a dataset in one statement (all or nothing); returns its record. */
    add(ds: Dataset, source: Uint8Array | string, now = new Date()): DatasetRecord {
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
      insert.run(row);
      return toRecord(row);
    },
    list(limit = 100, offset = 0): { items: DatasetRecord[]; total: number } {
      const items = (list.all(workspace(), limit, offset) as Row[]).map(toRecord);
      return { items, total: (count.get(workspace()) as { n: number }).n };
    },
    get(id: string): DatasetRecord | undefined {
      const r = getMeta.get(workspace(), id) as Row | undefined;
      return r && toRecord(r);
    },
    /** The full dataset with its values. */
    load(id: string): (Dataset & { id: string }) | undefined {
      const meta = this.get(id);
      if (!meta) return undefined;
      const values = JSON.parse((getData.get(workspace(), id) as { data_json: string }).data_json) as unknown[][];
      const columns = meta.columns.map((c, i) => ({ ...c, values: values[i] }) as Column);
      return { id, name: meta.name, rows: meta.rows, columns, warnings: meta.warnings };
    },
    delete(id: string): boolean {
      return del.run(workspace(), id).changes > 0;
    },
  };
}

export type DatasetRepo = ReturnType<typeof datasetRepo>;
