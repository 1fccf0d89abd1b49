-- API keys (only the hash of each secret), the audit log, and the durable queue of accepted
-- observations. Times are microseconds since the epoch (UTC).

CREATE TABLE api_keys (
  key_id      TEXT    PRIMARY KEY,  -- part of the presented key: authentication looks it up
  tenant_id   TEXT    NOT NULL,
  role        TEXT    NOT NULL,
  secret_hash TEXT    NOT NULL,
  label       TEXT,
  user_id     TEXT,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER,
  revoked_at  INTEGER
);

CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at);

CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id TEXT    NOT NULL,
  at        INTEGER NOT NULL,
  key_id    TEXT    NOT NULL,
  role      TEXT    NOT NULL,
  action    TEXT    NOT NULL,
  user_id   TEXT,
  target    TEXT,
  status    INTEGER NOT NULL
);

CREATE INDEX audit_by_tenant ON audit_log (tenant_id, at);
CREATE INDEX audit_by_user ON audit_log (tenant_id, user_id, at);

CREATE TABLE observations (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,  -- acceptance order
  tenant_id      TEXT    NOT NULL,
  observation_id TEXT    NOT NULL,
  user_id        TEXT    NOT NULL,
  org_id         TEXT,
  session_id     TEXT,
  payload        TEXT    NOT NULL,  -- JSON messages; emptied when done
  actor          TEXT    NOT NULL,
  received_at    INTEGER NOT NULL,
  state          TEXT    NOT NULL,
  attempts       INTEGER NOT NULL,
  worker         TEXT,
  lease_until    INTEGER,
  finished_at    INTEGER,
  outcome        TEXT,
  error          TEXT,
  UNIQUE (tenant_id, observation_id)
);

CREATE INDEX observations_by_state ON observations (state, seq);
CREATE INDEX observations_by_user ON observations (tenant_id, user_id, state);
