-- Bindery schema v5: OAuth access tokens (issue 4). Portable SQL for H2 (2.x) and PostgreSQL (13+), same
-- conventions as V1 and V3: times are BIGINT microseconds since the Unix epoch. No access token is stored:
-- issuing one writes nothing. Versions 2 to 4 are used or reserved by issue 3.

-- Token signing keys shared by every node. key_slot is 'current' or 'next' while the key holds that slot and
-- NULL once it is retired; its UNIQUE constraint (NULLs are distinct on both databases) means at most one current
-- and one next key, so concurrent nodes rotating at once cannot both win. The private key is PKCS#8 sealed with
-- the master key (AES-256-GCM, base64) and dropped on retirement; public_jwk holds public members only.
CREATE TABLE token_signing_keys (
  kid                 VARCHAR(40)   PRIMARY KEY,
  algorithm           VARCHAR(16)   NOT NULL,
  key_state           VARCHAR(16)   NOT NULL,
  key_slot            VARCHAR(16)   UNIQUE,
  public_jwk          VARCHAR(2000) NOT NULL,
  sealed_private_key  VARCHAR(4000),
  created_at          BIGINT        NOT NULL,
  activated_at        BIGINT,
  retired_at          BIGINT,
  version             BIGINT        NOT NULL,
  CONSTRAINT token_signing_keys_state CHECK (key_state IN ('next', 'current', 'retired')),
  CONSTRAINT token_signing_keys_slot CHECK ((key_state = 'retired' AND key_slot IS NULL)
      OR (key_state <> 'retired' AND key_slot = key_state))
);

-- Resource servers that may receive tokens (RFC 8707 audiences).
CREATE TABLE resource_servers (
  audience    VARCHAR(512)  PRIMARY KEY,
  name        VARCHAR(200)  NOT NULL,
  created_by  VARCHAR(64)   NOT NULL,
  created_at  BIGINT        NOT NULL
);

-- Token policy per identity; no row means the default (bound tokens only, configured lifetime).
CREATE TABLE token_policies (
  identity_id             VARCHAR(40)  PRIMARY KEY REFERENCES identities (id),
  allow_unbound_tokens    BOOLEAN      NOT NULL,
  token_lifetime_seconds  BIGINT,
  updated_by              VARCHAR(64)  NOT NULL,
  updated_at              BIGINT       NOT NULL,
  version                 BIGINT       NOT NULL
);
