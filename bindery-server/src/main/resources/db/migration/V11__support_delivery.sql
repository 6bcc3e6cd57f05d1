-- Bindery schema v11: the support desk's temporary credentials and their delivery (issue 6, docs/support-desk.md
-- "Implementation contract"). Portable SQL for H2 (2.x) and PostgreSQL (13+), conventions as V1: times are BIGINT
-- microseconds since the Unix epoch, hashes lowercase hex, sealed secrets base64 (AES-256-GCM under the master key).
-- No secret is stored in the clear: codes are kept as their SHA-256, and the copy delivered to the owners is sealed
-- in its outbox row (associated data: the notification id and the secret's kind) until the dispatcher posts it.
-- Support actions themselves (support_actions) are another migration's; the support_action_id columns name them.

-- Enrolment codes issued by a support action (credential_reset): the action (a flagged review finds the code and the
-- credential enrolled with it), the source address of the enrolment that used the code (the "new credential from an
-- unusual source" alert), and the revocation of a code before its use (flagged action, or a newer support code).
ALTER TABLE enrolment_codes ADD COLUMN support_action_id VARCHAR(64);
ALTER TABLE enrolment_codes ADD COLUMN used_from VARCHAR(100);
ALTER TABLE enrolment_codes ADD COLUMN revoked_at BIGINT;
CREATE INDEX enrolment_codes_support_action ON enrolment_codes (support_action_id);

-- Notifications about an operator (a support action on an operator account, delivered to the webhooks of the
-- operator's teams), and a secret for the owners: sealed, kept only while the notification is pending (delivering,
-- failing or cancelling it sets sealed_secret to NULL; secret_kind stays).
ALTER TABLE notifications ADD COLUMN operator_id VARCHAR(40) REFERENCES operators (id);
ALTER TABLE notifications ADD COLUMN secret_kind VARCHAR(32);
ALTER TABLE notifications ADD COLUMN sealed_secret VARCHAR(4000);
ALTER TABLE notifications ADD CONSTRAINT notifications_subject
  CHECK (identity_id IS NULL OR operator_id IS NULL);
ALTER TABLE notifications ADD CONSTRAINT notifications_secret
  CHECK (sealed_secret IS NULL OR (secret_kind IS NOT NULL AND state = 'pending'));

-- "This was not us" links of support actions (sup_... in change_request_id) may be about an operator.
ALTER TABLE disavow_tokens ALTER COLUMN identity_id DROP NOT NULL;
ALTER TABLE disavow_tokens ADD COLUMN operator_id VARCHAR(40) REFERENCES operators (id);
ALTER TABLE disavow_tokens ADD CONSTRAINT disavow_tokens_subject
  CHECK ((identity_id IS NULL AND operator_id IS NOT NULL) OR (identity_id IS NOT NULL AND operator_id IS NULL));
CREATE INDEX disavow_tokens_operator ON disavow_tokens (operator_id, created_at);

-- Temporary TOTP enrolments (factor_reenrol): single use, at most 10 minutes, for one operator.
CREATE TABLE totp_resets (
  code_hash          VARCHAR(64)  PRIMARY KEY,
  operator_id        VARCHAR(40)  NOT NULL REFERENCES operators (id),
  support_action_id  VARCHAR(64)  NOT NULL,
  created_by         VARCHAR(64)  NOT NULL,
  created_at         BIGINT       NOT NULL,
  expires_at         BIGINT       NOT NULL,
  used_at            BIGINT,
  revoked_at         BIGINT,
  CONSTRAINT totp_resets_used_or_revoked CHECK (used_at IS NULL OR revoked_at IS NULL)
);
CREATE INDEX totp_resets_operator ON totp_resets (operator_id, created_at);
CREATE INDEX totp_resets_support_action ON totp_resets (support_action_id);

-- Recovery codes (recovery_codes_issue): sets of 10, one use each; a new set invalidates the unused old codes.
CREATE TABLE recovery_codes (
  code_hash          VARCHAR(64)  PRIMARY KEY,
  identity_id        VARCHAR(40)  NOT NULL REFERENCES identities (id),
  support_action_id  VARCHAR(64)  NOT NULL,
  created_at         BIGINT       NOT NULL,
  used_at            BIGINT,
  used_for           VARCHAR(64),
  invalidated_at     BIGINT,
  CONSTRAINT recovery_codes_used_or_invalidated CHECK (used_at IS NULL OR invalidated_at IS NULL)
);
CREATE INDEX recovery_codes_identity ON recovery_codes (identity_id, created_at);
CREATE INDEX recovery_codes_support_action ON recovery_codes (support_action_id);
