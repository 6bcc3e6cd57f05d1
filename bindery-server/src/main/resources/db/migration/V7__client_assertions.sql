-- Bindery schema v7: replay protection for private_key_jwt client assertions (RFC 7523 section 3, issue 4).
-- Portable SQL for H2 (2.x) and PostgreSQL (13+); times are BIGINT microseconds since the Unix epoch, as in V1.

-- The jti of every accepted client assertion, per client, until the assertion expires (its exp plus the allowed
-- clock skew): shared by every node, so an assertion is accepted once across the deployment. Only the SHA-256 of
-- the jti is kept (base64url, 43 characters): the client chose the text. Expired rows are deleted periodically and
-- replaced when the same jti is presented again after its expiry.
CREATE TABLE client_assertions (
  client_id   VARCHAR(40)  NOT NULL REFERENCES identities (id),
  jti_hash    VARCHAR(43)  NOT NULL,
  used_at     BIGINT       NOT NULL,
  expires_at  BIGINT       NOT NULL,
  CONSTRAINT client_assertions_pk PRIMARY KEY (client_id, jti_hash),
  CONSTRAINT client_assertions_expiry CHECK (expires_at > used_at)
);
CREATE INDEX client_assertions_expiry_time ON client_assertions (expires_at);
