-- Each user's data key, wrapped by the master key (which never enters the database). Erasing a
-- user deletes their key: their ciphertext anywhere else can no longer be read. Keep this table out
-- of data backups (pg_dump --exclude-table=data_keys) and back it up on its own, so that erasure
-- reaches old backups too.
CREATE TABLE data_keys (
  tenant_id     TEXT   NOT NULL,
  user_id       TEXT   NOT NULL,
  master_key_id TEXT   NOT NULL,
  wrapped       BYTEA  NOT NULL,
  created_at    BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
);

ALTER TABLE data_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE data_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON data_keys
  USING (tenant_id = current_setting('attune.tenant', true)
         OR current_setting('attune.all_tenants', true) = 'on')
  WITH CHECK (tenant_id = current_setting('attune.tenant', true)
              OR current_setting('attune.all_tenants', true) = 'on');
