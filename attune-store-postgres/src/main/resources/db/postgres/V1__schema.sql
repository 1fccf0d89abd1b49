-- Attune on PostgreSQL. Every table's primary key begins with tenant_id, every statement filters by
-- it, and row-level security (forced, so the owner is bound too) shows a transaction only the rows
-- of the tenant it set in attune.tenant: a statement that forgot its filter fails closed. The few
-- maintenance statements that span tenants (finding a presented key, the background queues) set
-- attune.all_tenants instead. Times are microseconds since the epoch (UTC); lists and profiles are
-- JSON text; vectors float32 little-endian.

CREATE TABLE users (
  tenant_id   TEXT   NOT NULL,
  user_id     TEXT   NOT NULL,
  org_id      TEXT,
  profile     TEXT   NOT NULL,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
);

CREATE TABLE memories (
  tenant_id         TEXT             NOT NULL,
  user_id           TEXT             NOT NULL,
  memory_id         TEXT             NOT NULL,
  text              TEXT             NOT NULL,
  category          TEXT             NOT NULL,
  slot              TEXT,
  confidence        DOUBLE PRECISION NOT NULL,
  origin            TEXT             NOT NULL,
  sources           TEXT             NOT NULL,
  valid_from        BIGINT           NOT NULL,
  valid_to          BIGINT,
  created_at        BIGINT           NOT NULL,
  updated_at        BIGINT           NOT NULL,
  superseded_at     BIGINT,
  superseded_by     TEXT,
  status            TEXT             NOT NULL,
  pinned            INTEGER          NOT NULL,
  last_confirmed_at BIGINT           NOT NULL,
  embedding_model   TEXT,
  embedding         BYTEA,
  PRIMARY KEY (tenant_id, user_id, memory_id)
);

CREATE INDEX memories_by_status ON memories (tenant_id, user_id, status, created_at);

CREATE TABLE episodes (
  tenant_id           TEXT    NOT NULL,
  user_id             TEXT    NOT NULL,
  message_id          TEXT    NOT NULL,
  seq                 BIGINT  GENERATED ALWAYS AS IDENTITY,  -- arrival order, breaks time ties
  role                TEXT    NOT NULL,
  speaker             TEXT,
  content             TEXT    NOT NULL,
  session_id          TEXT,
  ts                  BIGINT  NOT NULL,
  embedding_model     TEXT,
  embedding           BYTEA,
  extraction_state    INTEGER NOT NULL DEFAULT 0,  -- 1: awaiting extraction by a chat model
  extraction_attempts INTEGER NOT NULL DEFAULT 0,
  extraction_retry_at BIGINT,
  arrived_at          BIGINT,
  PRIMARY KEY (tenant_id, user_id, message_id)
);

CREATE INDEX episodes_by_time ON episodes (tenant_id, user_id, ts, seq);
CREATE INDEX episodes_awaiting_extraction ON episodes (tenant_id, user_id, seq)
  WHERE extraction_state = 1;

CREATE TABLE memory_history (
  tenant_id   TEXT   NOT NULL,
  user_id     TEXT   NOT NULL,
  memory_id   TEXT   NOT NULL,
  seq         BIGINT GENERATED ALWAYS AS IDENTITY,
  at          BIGINT NOT NULL,
  kind        TEXT   NOT NULL,
  actor       TEXT   NOT NULL,
  before_text TEXT,
  after_text  TEXT,
  related_id  TEXT,
  message_ids TEXT   NOT NULL,
  PRIMARY KEY (tenant_id, user_id, memory_id, seq)
);

CREATE TABLE orgs (
  tenant_id  TEXT   NOT NULL,
  org_id     TEXT   NOT NULL,
  profile    TEXT   NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, org_id)
);

CREATE TABLE api_keys (
  tenant_id   TEXT   NOT NULL,
  key_id      TEXT   NOT NULL,
  role        TEXT   NOT NULL,
  secret_hash TEXT   NOT NULL,
  label       TEXT,
  user_id     TEXT,
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT,
  revoked_at  BIGINT,
  PRIMARY KEY (tenant_id, key_id)
);

-- A presented key names its id, not its tenant.
CREATE UNIQUE INDEX api_keys_by_id ON api_keys (key_id);

CREATE TABLE audit_log (
  tenant_id TEXT    NOT NULL,
  seq       BIGINT  GENERATED ALWAYS AS IDENTITY,
  at        BIGINT  NOT NULL,
  key_id    TEXT    NOT NULL,
  role      TEXT    NOT NULL,
  action    TEXT    NOT NULL,
  user_id   TEXT,
  target    TEXT,
  status    INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, seq)
);

CREATE INDEX audit_by_time ON audit_log (tenant_id, at);
CREATE INDEX audit_by_user ON audit_log (tenant_id, user_id, at);

CREATE TABLE observations (
  tenant_id      TEXT    NOT NULL,
  observation_id TEXT    NOT NULL,
  seq            BIGINT  GENERATED ALWAYS AS IDENTITY,  -- acceptance order
  user_id        TEXT    NOT NULL,
  org_id         TEXT,
  session_id     TEXT,
  payload        TEXT    NOT NULL,
  actor          TEXT    NOT NULL,
  received_at    BIGINT  NOT NULL,
  state          TEXT    NOT NULL,
  attempts       INTEGER NOT NULL,
  worker         TEXT,
  lease_until    BIGINT,
  finished_at    BIGINT,
  outcome        TEXT,
  error          TEXT,
  PRIMARY KEY (tenant_id, observation_id)
);

CREATE INDEX observations_by_state ON observations (state, seq);
CREATE INDEX observations_by_user ON observations (tenant_id, user_id, state);

CREATE TABLE model_usage (
  tenant_id     TEXT   NOT NULL,
  day           TEXT   NOT NULL,
  operation     TEXT   NOT NULL,
  model         TEXT   NOT NULL,
  calls         BIGINT NOT NULL,
  failures      BIGINT NOT NULL,
  input_tokens  BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  latency_ms    BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, day, operation, model)
);

DO $$
DECLARE
  t TEXT;
BEGIN
  FOREACH t IN ARRAY ARRAY['users', 'memories', 'episodes', 'memory_history', 'orgs', 'api_keys',
                           'audit_log', 'observations', 'model_usage']
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
