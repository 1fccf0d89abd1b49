-- Attune's embedded schema. Every table's key begins with tenant_id, and every statement filters
-- by it. Times are microseconds since the epoch (UTC).

CREATE TABLE users (
  tenant_id   TEXT    NOT NULL,
  user_id     TEXT    NOT NULL,
  org_id      TEXT,
  profile     TEXT    NOT NULL,  -- JSON, snake_case fields of UserProfile
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
) WITHOUT ROWID;

CREATE TABLE memories (
  tenant_id         TEXT    NOT NULL,
  user_id           TEXT    NOT NULL,
  memory_id         TEXT    NOT NULL,
  text              TEXT    NOT NULL,
  category          TEXT    NOT NULL,
  slot              TEXT,
  confidence        REAL    NOT NULL,
  origin            TEXT    NOT NULL,
  sources           TEXT    NOT NULL,  -- JSON array of {message_id, session_id, timestamp}
  valid_from        INTEGER NOT NULL,
  valid_to          INTEGER,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  superseded_at     INTEGER,
  superseded_by     TEXT,
  status            TEXT    NOT NULL,
  pinned            INTEGER NOT NULL,
  last_confirmed_at INTEGER NOT NULL,
  embedding_model   TEXT,
  embedding         BLOB,              -- float32 little-endian
  PRIMARY KEY (tenant_id, user_id, memory_id)
) WITHOUT ROWID;

CREATE INDEX memories_by_status ON memories (tenant_id, user_id, status, created_at);

CREATE TABLE episodes (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,  -- arrival order, breaks timestamp ties
  tenant_id       TEXT    NOT NULL,
  user_id         TEXT    NOT NULL,
  message_id      TEXT    NOT NULL,
  role            TEXT    NOT NULL,
  speaker         TEXT,
  content         TEXT    NOT NULL,
  session_id      TEXT,
  ts              INTEGER NOT NULL,
  embedding_model TEXT,
  embedding       BLOB,
  UNIQUE (tenant_id, user_id, message_id)
);

CREATE INDEX episodes_by_time ON episodes (tenant_id, user_id, ts, seq);

CREATE TABLE memory_history (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id    TEXT    NOT NULL,
  user_id      TEXT    NOT NULL,
  memory_id    TEXT    NOT NULL,
  at           INTEGER NOT NULL,
  kind         TEXT    NOT NULL,
  actor        TEXT    NOT NULL,
  before_text  TEXT,
  after_text   TEXT,
  related_id   TEXT,
  message_ids  TEXT    NOT NULL   -- JSON array
);

CREATE INDEX history_by_memory ON memory_history (tenant_id, user_id, memory_id, seq);

CREATE TABLE orgs (
  tenant_id  TEXT    NOT NULL,
  org_id     TEXT    NOT NULL,
  profile    TEXT    NOT NULL,  -- JSON, snake_case fields of OrgProfile
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, org_id)
) WITHOUT ROWID;
