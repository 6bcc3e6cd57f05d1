-- Bindery schema v10: notifications to the owners of identities (issue 5, docs/rebinding.md "Notifications and
-- 'this was not us'"). Portable SQL for H2 (2.x) and PostgreSQL (13+), conventions as V1: times are BIGINT
-- microseconds since the Unix epoch, hashes lowercase hex, sealed secrets base64 (AES-256-GCM under the master key).
-- No secret is stored in the clear: a webhook's HMAC secret and a notification's disavow token are sealed, and a
-- disavow token is looked up by its SHA-256 only.

-- Webhooks of teams. Never deleted: a removed webhook keeps its row (its notifications name it).
CREATE TABLE webhooks (
  id             VARCHAR(40)    PRIMARY KEY,
  team_id        VARCHAR(63)    NOT NULL REFERENCES teams (id),
  url            VARCHAR(2048)  NOT NULL,
  sealed_secret  VARCHAR(200)   NOT NULL,
  created_at     BIGINT         NOT NULL,
  created_by     VARCHAR(64)    NOT NULL,
  removed_at     BIGINT,
  removed_by     VARCHAR(64)
);
CREATE INDEX webhooks_team ON webhooks (team_id, created_at);

-- The outbox: one row per event and webhook, written in the transaction of the change it reports. A dispatcher
-- claims due rows (state 'pending', next_attempt_at <= now) with SELECT ... FOR UPDATE SKIP LOCKED and moves
-- next_attempt_at to the end of its lease, so that nodes sharing the database do not post the same attempt twice.
CREATE TABLE notifications (
  id                    VARCHAR(40)      PRIMARY KEY,
  team_id               VARCHAR(63)      NOT NULL REFERENCES teams (id),
  webhook_id            VARCHAR(40)      NOT NULL REFERENCES webhooks (id),
  identity_id           VARCHAR(40)      REFERENCES identities (id),
  event                 VARCHAR(64)      NOT NULL,
  -- canonical JSON object of string values
  details               VARCHAR(100000)  NOT NULL,
  change_request_id     VARCHAR(64),
  sealed_disavow_token  VARCHAR(200),
  disavow_expires_at    BIGINT,
  created_at            BIGINT           NOT NULL,
  state                 VARCHAR(16)      NOT NULL,
  attempts              INT              NOT NULL,
  next_attempt_at       BIGINT           NOT NULL,
  last_attempt_at       BIGINT,
  last_status           INT,
  last_error            VARCHAR(200),
  completed_at          BIGINT,
  CONSTRAINT notifications_state CHECK (state IN ('pending', 'delivered', 'failed', 'cancelled'))
);
-- the dispatcher's claim: pending rows by due time
CREATE INDEX notifications_due ON notifications (state, next_attempt_at);
CREATE INDEX notifications_identity ON notifications (identity_id, created_at, id);
CREATE INDEX notifications_team ON notifications (team_id, created_at, id);
CREATE INDEX notifications_webhook ON notifications (webhook_id, state);

-- Every delivery attempt: status, time and the class of the failure; never the body, the secret or the answer.
CREATE TABLE notification_attempts (
  notification_id  VARCHAR(40)   NOT NULL REFERENCES notifications (id),
  attempt          INT           NOT NULL,
  attempted_at     BIGINT        NOT NULL,
  status_code      INT,
  error            VARCHAR(200),
  outcome          VARCHAR(16)   NOT NULL,
  duration_ms      BIGINT        NOT NULL,
  PRIMARY KEY (notification_id, attempt),
  CONSTRAINT notification_attempts_outcome CHECK (outcome IN ('delivered', 'retry', 'failed'))
);

-- "This was not us" tokens: the SHA-256 only, single use, bound to a change request of an identity.
CREATE TABLE disavow_tokens (
  token_hash         VARCHAR(64)  PRIMARY KEY,
  identity_id        VARCHAR(40)  NOT NULL REFERENCES identities (id),
  change_request_id  VARCHAR(64)  NOT NULL,
  created_at         BIGINT       NOT NULL,
  expires_at         BIGINT       NOT NULL,
  used_at            BIGINT
);
CREATE INDEX disavow_tokens_identity ON disavow_tokens (identity_id, created_at);
