import type { Generated, Kysely } from "kysely";

export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

/** The store's tables as Kysely sees them (snake_case, as in the migrations). Times are ISO-8601 text. */
export interface Tables {
  datasets: {
    id: string;
    workspace: string;
    name: string;
    rows: number;
    columns_json: string;
    warnings_json: string;
    data_json: string;
    source_sha256: string;
    source_bytes: number;
    created_at: string;
  };
  models: {
    id: string;
    workspace: string;
    kind: string;
    dataset_id: string | null;
    schema_version: number;
    spec_json: string;
    result_json: string;
    created_at: string;
  };
  model_artifacts: {
    model_id: string;
    name: string;
    content_type: string;
    bytes: Uint8Array;
  };
  jobs: {
    id: string;
    workspace: string;
    kind: string;
    status: JobStatus;
    progress: Generated<number>;
    message: Generated<string>;
    input_json: string;
    result_json: string | null;
    error_json: string | null;
    created_at: string;
    started_at: string | null;
    finished_at: string | null;
    attempt: Generated<number>;
  };
  meta: { key: string; value: string };
  api_keys: {
    id: string;
    workspace: string;
    name: string;
    scopes: string;
    secret_hash: string;
    created_at: string;
    revoked_at: string | null;
  };
}

export type StoreKind = "sqlite" | "postgres";

/** A connection (or a transaction on one) and the SQL dialect it speaks: the few queries that differ ask. */
export interface Conn {
  readonly db: Kysely<Tables>;
  readonly kind: StoreKind;
}
