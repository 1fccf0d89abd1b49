-- Which process is extracting a user's buffered messages, until when: each batch is extracted
-- once even when several processes share the store.
ALTER TABLE users ADD COLUMN extraction_worker      TEXT;
ALTER TABLE users ADD COLUMN extraction_lease_until INTEGER;  -- micros
