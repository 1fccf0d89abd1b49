-- What tells whether personalization helps (see EffectivenessStore). No user text here but the
-- feedback comment, sealed like every user's text when encryption is on.

-- One row per context served: ids and counts of what it injected, never their text.
CREATE TABLE context_records (
  tenant_id        TEXT    NOT NULL,
  context_id       TEXT    NOT NULL,
  user_id          TEXT    NOT NULL,
  at               INTEGER NOT NULL,  -- micros
  experiment       TEXT,
  arm              TEXT,
  budget           INTEGER NOT NULL,
  tokens           INTEGER NOT NULL,
  degraded         INTEGER NOT NULL,
  latency_us       INTEGER NOT NULL,
  session_id       TEXT,
  items            TEXT    NOT NULL,  -- JSON array of [id, block, kind, tokens]
  used             TEXT,              -- JSON array of item ids a reply used; null before one
  utilized_at      INTEGER,
  reply_message_id TEXT,
  PRIMARY KEY (tenant_id, context_id)
) WITHOUT ROWID;
CREATE INDEX context_records_by_user ON context_records (tenant_id, user_id, at);
CREATE INDEX context_records_by_experiment ON context_records (tenant_id, experiment, at);
CREATE INDEX context_records_by_time ON context_records (at);

CREATE TABLE feedback (
  tenant_id   TEXT    NOT NULL,
  feedback_id TEXT    NOT NULL,
  user_id     TEXT    NOT NULL,
  context_id  TEXT,
  signal      TEXT    NOT NULL,
  value       REAL,
  comment     TEXT,
  at          INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, feedback_id)
) WITHOUT ROWID;
CREATE INDEX feedback_by_user ON feedback (tenant_id, user_id, at);

CREATE TABLE corrections (
  tenant_id     TEXT    NOT NULL,
  correction_id TEXT    NOT NULL,
  user_id       TEXT    NOT NULL,
  memory_id     TEXT    NOT NULL,
  context_id    TEXT,
  kind          TEXT    NOT NULL,
  extracted     INTEGER NOT NULL,
  at            INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, correction_id)
) WITHOUT ROWID;
CREATE INDEX corrections_by_user ON corrections (tenant_id, user_id, at);

-- Messages observed per user, day (UTC) and session ('' for none).
CREATE TABLE user_activity (
  tenant_id  TEXT    NOT NULL,
  user_id    TEXT    NOT NULL,
  day        TEXT    NOT NULL,
  session_id TEXT    NOT NULL,
  messages   INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, user_id, day, session_id)
) WITHOUT ROWID;

CREATE TABLE experiments (
  tenant_id  TEXT    NOT NULL,
  name       TEXT    NOT NULL,
  body       TEXT    NOT NULL,  -- JSON: arms, active, primary metric
  active     INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, name)
) WITHOUT ROWID;

-- Per-tenant figures by hour: counters add up across nodes, gauges keep their last value.
CREATE TABLE hourly_figures (
  tenant_id TEXT    NOT NULL,
  hour      INTEGER NOT NULL,  -- micros, the hour's start
  name      TEXT    NOT NULL,
  value     INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, hour, name)
) WITHOUT ROWID;
