-- Which node is extracting a user's buffered messages, until when: each batch is extracted once
-- (one model call), not once per node.
ALTER TABLE users ADD COLUMN extraction_worker      TEXT;
ALTER TABLE users ADD COLUMN extraction_lease_until BIGINT;  -- micros
