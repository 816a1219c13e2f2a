import { randomUUID } from "node:crypto";
import type { Db } from "./db.ts";
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

interface Row {
  id: string;
  kind: string;
  dataset_id: string | null;
  schema_version: number;
  spec_json: string;
  result_json: string;
  created_at: string;
  artifact_names: string | null;
}

const SELECT = `SELECT m.id, m.kind, m.dataset_id, m.schema_version, m.spec_json, m.result_json, m.created_at,
  (SELECT group_concat(name, char(31)) FROM model_artifacts a WHERE a.model_id = m.id) AS artifact_names
  FROM models m`;

function toRecord<S, R>(r: Row): ModelRecord<S, R> {
  return {
    id: r.id,
    kind: r.kind,
    datasetId: r.dataset_id,
    schemaVersion: r.schema_version,
    spec: JSON.parse(r.spec_json) as S,
    result: JSON.parse(r.result_json) as R,
    createdAt: r.created_at,
    artifactNames: r.artifact_names ? r.artifact_names.split("\u001f").sort() : [],
  };
}

/** Fitted models: JSON spec and result plus binary artefacts, written together in one transaction. */
export function modelRepo(db: Db, fixedWorkspace?: string) {
  const workspace = () => fixedWorkspace ?? currentWorkspace();
  const insert = db.prepare(
    `INSERT INTO models (id, workspace, kind, dataset_id, schema_version, spec_json, result_json, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertArtifact = db.prepare(`INSERT INTO model_artifacts (model_id, name, content_type, bytes) VALUES (?, ?, ?, ?)`);
  const get = db.prepare(`${SELECT} WHERE m.workspace = ? AND m.id = ?`);
  const list = db.prepare(`${SELECT} WHERE m.workspace = ? AND (? IS NULL OR m.kind = ?) ORDER BY m.created_at, m.id LIMIT ?`);
  const artifacts = db.prepare(
    `SELECT a.name, a.content_type, a.bytes FROM model_artifacts a JOIN models m ON m.id = a.model_id WHERE m.workspace = ? AND a.model_id = ? ORDER BY a.name`,
  );
  const del = db.prepare(`DELETE FROM models WHERE workspace = ? AND id = ?`);
  const byKey = db.prepare(
    `${SELECT} WHERE m.workspace = ? AND m.kind = ? AND json_extract(m.spec_json, '$.trainingKey') = ? ORDER BY m.created_at DESC, m.id LIMIT 1`,
  );

  const save = db.transaction(
    (m: { kind: string; datasetId: string | null; schemaVersion: number; spec: unknown; result: unknown; artifacts: readonly Artifact[] }) => {
      const id = `mdl_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
      insert.run(id, workspace(), m.kind, m.datasetId, m.schemaVersion, JSON.stringify(m.spec), JSON.stringify(m.result), new Date().toISOString());
      for (const a of m.artifacts) insertArtifact.run(id, a.name, a.contentType, Buffer.from(a.bytes));
      return id;
    },
  );

  return {
    save<S, R>(m: { kind: string; datasetId: string | null; schemaVersion: number; spec: S; result: R; artifacts?: readonly Artifact[] }): ModelRecord<S, R> {
      const id = save({ ...m, artifacts: m.artifacts ?? [] });
      return toRecord<S, R>(get.get(workspace(), id) as Row);
    },
    get<S = unknown, R = unknown>(id: string): ModelRecord<S, R> | undefined {
      const r = get.get(workspace(), id) as Row | undefined;
      return r && toRecord<S, R>(r);
    },
    /** The newest model of `kind` whose spec has this `trainingKey` (same data and training options). */
    findByTrainingKey<S = unknown, R = unknown>(kind: string, trainingKey: string): ModelRecord<S, R> | undefined {
      const r = byKey.get(workspace(), kind, trainingKey) as Row | undefined;
      return r && toRecord<S, R>(r);
    },
    list(kind?: string, limit = 100): ModelRecord[] {
      return (list.all(workspace(), kind ?? null, kind ?? null, limit) as Row[]).map((r) => toRecord(r));
    },
    artifacts(id: string): Artifact[] {
      return (artifacts.all(workspace(), id) as { name: string; content_type: string; bytes: Buffer }[]).map((a) => ({
        name: a.name,
        contentType: a.content_type,
        bytes: new Uint8Array(a.bytes),
      }));
    },
    delete(id: string): boolean {
      return del.run(workspace(), id).changes > 0;
    },
  };
}

export type ModelRepo = ReturnType<typeof modelRepo>;
