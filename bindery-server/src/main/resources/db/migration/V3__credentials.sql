-- Bindery schema v3: credentials bound to identities, X.509-SVID lineages, enrolment codes, rotation policies.
-- Portable SQL for H2 (2.x) and PostgreSQL (13+), same conventions as V1: times are BIGINT microseconds since
-- the Unix epoch, hashes lowercase hex. No secret is stored: API keys and enrolment codes as SHA-256, keys as
-- their public SubjectPublicKeyInfo. Credentials are never deleted, so a serial, a thumbprint or a key hash can
-- never be bound twice and the CRL keeps every revoked certificate until it expires.

CREATE TABLE credentials (
  id                 VARCHAR(40)   PRIMARY KEY,
  identity_id        VARCHAR(40)   NOT NULL REFERENCES identities (id),
  credential_type    VARCHAR(32)   NOT NULL,
  status             VARCHAR(16)   NOT NULL,
  -- x509_svid only; no foreign key, because a lineage and its first credential reference each other
  lineage_id         VARCHAR(40),
  generation         INT           NOT NULL,
  -- x509_svid only: lowercase hex of the positive serial (at most 20 octets)
  serial             VARCHAR(40)   UNIQUE,
  -- base64url SHA-256: x5t#S256 of a certificate, RFC 7638 thumbprint of a JWK; null for api_key
  thumbprint         VARCHAR(43),
  -- base64 DER SubjectPublicKeyInfo and its base64url SHA-256; null for api_key
  public_key         VARCHAR(4000),
  public_key_fp      VARCHAR(43),
  -- api_key only
  secret_hash        VARCHAR(64)   UNIQUE,
  display_prefix     VARCHAR(12),
  key_type           VARCHAR(32),
  not_before         BIGINT        NOT NULL,
  not_after          BIGINT        NOT NULL,
  bound_by           VARCHAR(64)   NOT NULL,
  bound_at           BIGINT        NOT NULL,
  bind_method        VARCHAR(16)   NOT NULL,
  assurance          VARCHAR(16)   NOT NULL,
  last_used_at       BIGINT,
  revoked_at         BIGINT,
  revocation_reason  VARCHAR(32),
  superseded_by      VARCHAR(40),
  version            BIGINT        NOT NULL,
  CONSTRAINT credentials_type_thumbprint UNIQUE (credential_type, thumbprint),
  CONSTRAINT credentials_lineage_generation UNIQUE (lineage_id, generation)
);
CREATE INDEX credentials_identity ON credentials (identity_id, bound_at);
CREATE INDEX credentials_public_key ON credentials (public_key_fp);
-- reports: expiring (status, not_after), overdue (status, credential_type, bound_at), unused (status, last_used_at)
CREATE INDEX credentials_expiry ON credentials (status, not_after);
CREATE INDEX credentials_bound ON credentials (status, credential_type, bound_at);
CREATE INDEX credentials_last_used ON credentials (status, last_used_at);
-- the CRL: certificates not active and not yet expired
CREATE INDEX credentials_revoked ON credentials (credential_type, status, not_after);

CREATE TABLE credential_lineages (
  id                  VARCHAR(40)  PRIMARY KEY,
  identity_id         VARCHAR(40)  NOT NULL REFERENCES identities (id),
  current_generation  INT          NOT NULL,
  current_credential  VARCHAR(40)  NOT NULL REFERENCES credentials (id),
  created_at          BIGINT       NOT NULL,
  updated_at          BIGINT       NOT NULL,
  quarantined_at      BIGINT,
  version             BIGINT       NOT NULL
);
CREATE INDEX credential_lineages_identity ON credential_lineages (identity_id);

CREATE TABLE enrolment_codes (
  code_hash      VARCHAR(64)  PRIMARY KEY,
  identity_id    VARCHAR(40)  NOT NULL REFERENCES identities (id),
  created_by     VARCHAR(64)  NOT NULL,
  created_at     BIGINT       NOT NULL,
  expires_at     BIGINT       NOT NULL,
  used_at        BIGINT,
  credential_id  VARCHAR(40)  REFERENCES credentials (id)
);
CREATE INDEX enrolment_codes_identity ON enrolment_codes (identity_id, created_at);

-- (kind, type) pairs without a row use the built-in defaults (dev.bindery.credential.RotationPolicy#defaultFor)
CREATE TABLE rotation_policies (
  identity_kind          VARCHAR(32)  NOT NULL,
  credential_type        VARCHAR(32)  NOT NULL,
  max_lifetime_seconds   BIGINT       NOT NULL,
  rotate_after_seconds   BIGINT       NOT NULL,
  PRIMARY KEY (identity_kind, credential_type)
);
