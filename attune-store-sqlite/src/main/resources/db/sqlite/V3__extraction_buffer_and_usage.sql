-- The durable extraction buffer: messages stored before facts are extracted from them (when a
-- chat model extracts, in batches). extraction_state: 0 nothing to do, 1 awaiting extraction.
ALTER TABLE episodes ADD COLUMN extraction_state    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE episodes ADD COLUMN extraction_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE episodes ADD COLUMN extraction_retry_at INTEGER;            -- micros; null: at once
ALTER TABLE episodes ADD COLUMN arrived_at          INTEGER;            -- micros, when stored
CREATE INDEX episodes_awaiting_extraction ON episodes (tenant_id, user_id, seq)
  WHERE extraction_state = 1;

-- Model calls metered per tenant, day, operation and model.
CREATE TABLE model_usage (
  tenant_id     TEXT    NOT NULL,
  day           TEXT    NOT NULL,  -- yyyy-mm-dd, UTC
  operation     TEXT    NOT NULL,  -- extract, judge, summarize
  model         TEXT    NOT NULL,
  calls         INTEGER NOT NULL,
  failures      INTEGER NOT NULL,
  input_tokens  INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  latency_ms    INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, day, operation, model)
);
