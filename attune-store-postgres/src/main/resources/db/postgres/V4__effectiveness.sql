-- What tells whether personalization helps (see EffectivenessStore). No user text here but the
-- feedback comment, sealed like every user's text when encryption is on.

-- One row per context served: ids and counts of what it injected, never their text.
CREATE TABLE context_records (
  tenant_id        TEXT    NOT NULL,
  context_id       TEXT    NOT NULL,
  user_id          TEXT    NOT NULL,
  at               BIGINT NOT NULL,  -- micros
  experiment       TEXT,
  arm              TEXT,
  budget           BIGINT NOT NULL,
  tokens           BIGINT NOT NULL,
  degraded         BIGINT NOT NULL,
  latency_us       BIGINT NOT NULL,
  session_id       TEXT,
  items            TEXT    NOT NULL,  -- JSON array of [id, block, kind, tokens]
  used             TEXT,              -- JSON array of item ids a reply used; null before one
  utilized_at      BIGINT,
  reply_message_id TEXT,
  PRIMARY KEY (tenant_id, context_id)
);
CREATE INDEX context_records_by_user ON context_records (tenant_id, user_id, at);
CREATE INDEX context_records_by_experiment ON context_records (tenant_id, experiment, at);
CREATE INDEX context_records_by_time ON context_records (at);

CREATE TABLE feedback (
  tenant_id   TEXT    NOT NULL,
  feedback_id TEXT    NOT NULL,
  user_id     TEXT    NOT NULL,
  context_id  TEXT,
  signal      TEXT    NOT NULL,
  value       DOUBLE PRECISION,
  comment     TEXT,
  at          BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, feedback_id)
);
CREATE INDEX feedback_by_user ON feedback (tenant_id, user_id, at);

CREATE TABLE corrections (
  tenant_id     TEXT    NOT NULL,
  correction_id TEXT    NOT NULL,
  user_id       TEXT    NOT NULL,
  memory_id     TEXT    NOT NULL,
  context_id    TEXT,
  kind          TEXT    NOT NULL,
  extracted     BIGINT NOT NULL,
  at            BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, correction_id)
);
CREATE INDEX corrections_by_user ON corrections (tenant_id, user_id, at);

-- Messages observed per user, day (UTC) and session ('' for none).
CREATE TABLE user_activity (
  tenant_id  TEXT    NOT NULL,
  user_id    TEXT    NOT NULL,
  day        TEXT    NOT NULL,
  session_id TEXT    NOT NULL,
  messages   BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, user_id, day, session_id)
);

CREATE TABLE experiments (
  tenant_id  TEXT    NOT NULL,
  name       TEXT    NOT NULL,
  body       TEXT    NOT NULL,  -- JSON: arms, active, primary metric
  active     BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, name)
);

-- Per-tenant figures by hour: counters add up across nodes, gauges keep their last value.
CREATE TABLE hourly_figures (
  tenant_id TEXT    NOT NULL,
  hour      BIGINT NOT NULL,  -- micros, the hour's start
  name      TEXT    NOT NULL,
  value     BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, hour, name)
);

DO $$
DECLARE
  t TEXT;
BEGIN
  FOREACH t IN ARRAY ARRAY['context_records', 'feedback', 'corrections', 'user_activity',
                           'experiments', 'hourly_figures']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I'
      || ' USING (tenant_id = current_setting(''attune.tenant'', true)'
      || ' OR current_setting(''attune.all_tenants'', true) = ''on'')'
      || ' WITH CHECK (tenant_id = current_setting(''attune.tenant'', true)'
      || ' OR current_setting(''attune.all_tenants'', true) = ''on'')', t);
  END LOOP;
END
$$;
