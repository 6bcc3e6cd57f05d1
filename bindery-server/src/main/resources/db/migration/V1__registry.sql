-- Bindery schema v1: identity registry, operators, teams, operator tokens, TOTP factors, audit chain.
-- Portable SQL for H2 (2.x) and PostgreSQL (13+). Times are BIGINT microseconds since the Unix epoch;
-- hashes are lowercase hex; sealed secrets are base64. Nothing here is ever deleted by the application:
-- identities stay as tombstones so an identifier is never reused.

CREATE TABLE teams (
  id            VARCHAR(63)  PRIMARY KEY,
  display_name  VARCHAR(200) NOT NULL,
  created_at    BIGINT       NOT NULL
);

CREATE TABLE operators (
  id          VARCHAR(40)  PRIMARY KEY,
  name        VARCHAR(200) NOT NULL,
  roles       VARCHAR(200) NOT NULL,
  status      VARCHAR(16)  NOT NULL,
  version     BIGINT       NOT NULL,
  created_at  BIGINT       NOT NULL,
  updated_at  BIGINT       NOT NULL
);

CREATE TABLE operator_teams (
  operator_id  VARCHAR(40) NOT NULL REFERENCES operators (id),
  team_id      VARCHAR(63) NOT NULL REFERENCES teams (id),
  PRIMARY KEY (operator_id, team_id)
);
CREATE INDEX operator_teams_team ON operator_teams (team_id);

CREATE TABLE operator_tokens (
  id            VARCHAR(40)  PRIMARY KEY,
  operator_id   VARCHAR(40)  NOT NULL REFERENCES operators (id),
  token_hash    VARCHAR(64)  NOT NULL UNIQUE,
  description   VARCHAR(200),
  created_at    BIGINT       NOT NULL,
  expires_at    BIGINT       NOT NULL,
  revoked_at    BIGINT,
  last_used_at  BIGINT,
  step_up_at    BIGINT
);
CREATE INDEX operator_tokens_operator ON operator_tokens (operator_id);

CREATE TABLE totp_factors (
  operator_id     VARCHAR(40)  PRIMARY KEY REFERENCES operators (id),
  sealed_seed     VARCHAR(200) NOT NULL,
  confirmed       BOOLEAN      NOT NULL,
  last_used_step  BIGINT       NOT NULL,
  created_at      BIGINT       NOT NULL
);

CREATE TABLE identities (
  id             VARCHAR(40)    PRIMARY KEY,
  kind           VARCHAR(32)    NOT NULL,
  name           VARCHAR(200)   NOT NULL,
  description    VARCHAR(2000),
  tenant         VARCHAR(200),
  contact        VARCHAR(320),
  labels         VARCHAR(40000) NOT NULL,
  owner_team     VARCHAR(63)    NOT NULL REFERENCES teams (id),
  backup_owner   VARCHAR(80)    NOT NULL,
  scopes         VARCHAR(13000) NOT NULL,
  status         VARCHAR(16)    NOT NULL,
  status_reason  VARCHAR(1000),
  predecessor    VARCHAR(40)    REFERENCES identities (id),
  version        BIGINT         NOT NULL,
  created_at     BIGINT         NOT NULL,
  updated_at     BIGINT         NOT NULL
);
CREATE INDEX identities_kind ON identities (kind, id);
CREATE INDEX identities_owner ON identities (owner_team, id);
CREATE INDEX identities_status ON identities (status, id);
CREATE INDEX identities_tenant ON identities (tenant, id);
CREATE INDEX identities_name ON identities (name, id);

CREATE TABLE identity_labels (
  identity_id  VARCHAR(40)  NOT NULL REFERENCES identities (id),
  label_key    VARCHAR(63)  NOT NULL,
  label_value  VARCHAR(255) NOT NULL,
  PRIMARY KEY (identity_id, label_key)
);
CREATE INDEX identity_labels_kv ON identity_labels (label_key, label_value, identity_id);

-- (issuer, subject) is unique across the whole registry, retired identities included.
CREATE TABLE subject_links (
  issuer       VARCHAR(512) NOT NULL,
  subject      VARCHAR(512) NOT NULL,
  identity_id  VARCHAR(40)  NOT NULL REFERENCES identities (id),
  linked_at    BIGINT       NOT NULL,
  PRIMARY KEY (issuer, subject)
);
CREATE INDEX subject_links_identity ON subject_links (identity_id);

CREATE TABLE audit_events (
  seq         BIGINT          PRIMARY KEY,
  event_time  BIGINT          NOT NULL,
  actor       VARCHAR(64)     NOT NULL,
  action      VARCHAR(100)    NOT NULL,
  target      VARCHAR(200)    NOT NULL,
  details     VARCHAR(1000000) NOT NULL,
  outcome     VARCHAR(16)     NOT NULL,
  request_id  VARCHAR(64)     NOT NULL,
  prev_hash   VARCHAR(64)     NOT NULL,
  hash        VARCHAR(64)     NOT NULL
);
CREATE INDEX audit_events_target ON audit_events (target, seq);
CREATE INDEX audit_events_actor ON audit_events (actor, seq);
CREATE INDEX audit_events_action ON audit_events (action, seq);
CREATE INDEX audit_events_time ON audit_events (event_time, seq);

-- The chain head: the single row every append locks, so appends are serialized and truncation of the
-- tail is detectable (the head names the last sequence number and hash).
CREATE TABLE audit_head (
  id    INT         PRIMARY KEY,
  seq   BIGINT      NOT NULL,
  hash  VARCHAR(64) NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
