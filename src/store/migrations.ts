/**
 * Versioned schema migrations, applied in order inside one transaction each; SQLite's `PRAGMA user_version`, and
 * PostgreSQL's `mixcast_schema` table, record the last applied. Each is written once, in SQLite's words, and
 * translated for PostgreSQL (`postgresSql`). Append new migrations; never edit an applied one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: datasets, fitted models with binary artefacts, jobs, key-value metadata
  `
  CREATE TABLE datasets (
    id            TEXT PRIMARY KEY,
    workspace     TEXT NOT NULL DEFAULT 'default',
    name          TEXT NOT NULL,
    rows          INTEGER NOT NULL,
    columns_json  TEXT NOT NULL,
    warnings_json TEXT NOT NULL,
    data_json     TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    source_bytes  INTEGER NOT NULL,
    created_at    TEXT NOT NULL
  );
  CREATE INDEX datasets_by_workspace ON datasets(workspace, created_at);

  CREATE TABLE models (
    id             TEXT PRIMARY KEY,
    workspace      TEXT NOT NULL DEFAULT 'default',
    kind           TEXT NOT NULL,
    dataset_id     TEXT REFERENCES datasets(id) ON DELETE SET NULL,
    schema_version INTEGER NOT NULL,
    spec_json      TEXT NOT NULL,
    result_json    TEXT NOT NULL,
    created_at     TEXT NOT NULL
  );
  CREATE INDEX models_by_workspace ON models(workspace, kind, created_at);

  CREATE TABLE model_artifacts (
    model_id     TEXT NOT NULL REFERENCES models(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    bytes        BLOB NOT NULL,
    PRIMARY KEY (model_id, name)
  );

  CREATE TABLE jobs (
    id          TEXT PRIMARY KEY,
    workspace   TEXT NOT NULL DEFAULT 'default',
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    progress    REAL NOT NULL DEFAULT 0,
    message     TEXT NOT NULL DEFAULT '',
    input_json  TEXT NOT NULL,
    result_json TEXT,
    error_json  TEXT,
    created_at  TEXT NOT NULL,
    started_at  TEXT,
    finished_at TEXT
  );
  CREATE INDEX jobs_by_status ON jobs(status);

  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 2: API keys (only a hash of each secret is kept)
  `
  CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    workspace   TEXT NOT NULL,
    name        TEXT NOT NULL,
    scopes      TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
  );
  `,
  // 3: which run of a job may save its result (a queue job can be taken over by another worker)
  `
  ALTER TABLE jobs ADD COLUMN attempt INTEGER NOT NULL DEFAULT 0;
  `,
];

/**
 * A migration in PostgreSQL's words: binary and floating-point columns by their PostgreSQL names; the rest of the
 * schema (TEXT, INTEGER, CHECK, REFERENCES … ON DELETE, indexes) reads the same in both.
 */
export function postgresSql(migration: string): string {
  return migration.replace(/\bBLOB\b/g, "BYTEA").replace(/\bREAL\b/g, "DOUBLE PRECISION");
}
