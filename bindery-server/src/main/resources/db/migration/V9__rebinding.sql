-- Bindery schema v9: re-binding (issue 5, docs/rebinding.md): identity assurance levels and the locked status,
-- the change request behind a re-bound credential, change requests with their approvals, continuity challenges,
-- and the identity_locked revocation feed event. Portable SQL for H2 (2.x) and PostgreSQL (13+), same conventions
-- as V1: times are BIGINT microseconds since the Unix epoch, hashes lowercase hex. Versions 7 and 8 are left to
-- the work done beside this one (attestation, notifications).

-- Assurance level 1..3 of every identity (existing identities are at level 1). The status column gains the value
-- 'locked'; it has no check constraint (the application validates it), as in V1.
ALTER TABLE identities ADD COLUMN assurance_level INTEGER DEFAULT 1 NOT NULL;
ALTER TABLE identities ADD CONSTRAINT identities_assurance_level CHECK (assurance_level BETWEEN 1 AND 3);

-- Change requests. Never deleted. open_for holds the target while the request is open (pending or approved) and
-- NULL once it is terminal: its UNIQUE constraint (NULLs are distinct on both databases) allows at most one open
-- request per identity, so two concurrent requests cannot both be stored. The proposed credential is kept as the
-- requester sent it (a CSR or a public JWK, and an optional attestation chain: public data only) so that apply
-- can verify it again; none of it goes into the audit log.
CREATE TABLE change_requests (
  id                       VARCHAR(40)    PRIMARY KEY,
  change_type              VARCHAR(32)    NOT NULL,
  channel                  VARCHAR(32)    NOT NULL,
  target_id                VARCHAR(40)    NOT NULL REFERENCES identities (id),
  target_version           BIGINT         NOT NULL,
  requester_kind           VARCHAR(16)    NOT NULL,
  requester_id             VARCHAR(40)    NOT NULL,
  reason                   VARCHAR(1000)  NOT NULL,
  proposed_type            VARCHAR(32)    NOT NULL,
  proposed_csr             VARCHAR(16384),
  proposed_jwk             VARCHAR(16384),
  proposed_key_thumbprint  VARCHAR(43)    NOT NULL,
  proposed_key_type        VARCHAR(32)    NOT NULL,
  proposed_assurance       VARCHAR(16)    NOT NULL,
  proposed_attestation     VARCHAR(65536),
  proposed_expires_at      BIGINT,
  -- the replaced credential ids, in request order, separated by single spaces
  replaces                 VARCHAR(1000)  NOT NULL,
  downgrade                BOOLEAN        NOT NULL,
  req_continuity           BOOLEAN        NOT NULL,
  req_step_up_or_owner     BOOLEAN        NOT NULL,
  -- the required approval roles, separated by single spaces (a role listed twice needs two approvers)
  req_approvals            VARCHAR(200)   NOT NULL,
  req_attested_key         BOOLEAN        NOT NULL,
  continuity_method        VARCHAR(32),
  continuity_credential    VARCHAR(40),
  continuity_at            BIGINT,
  requester_step_up_at     BIGINT,
  state                    VARCHAR(16)    NOT NULL,
  open_for                 VARCHAR(40)    UNIQUE,
  created_at               BIGINT         NOT NULL,
  expires_at               BIGINT         NOT NULL,
  resolved_at              BIGINT,
  resolved_by              VARCHAR(40),
  result_credential        VARCHAR(40),
  result_revoked           VARCHAR(1000),
  version                  BIGINT         NOT NULL,
  CONSTRAINT change_requests_state CHECK (state IN ('pending', 'approved', 'applied', 'rejected', 'expired',
      'cancelled')),
  CONSTRAINT change_requests_open_for CHECK ((state IN ('pending', 'approved') AND open_for = target_id)
      OR (state NOT IN ('pending', 'approved') AND open_for IS NULL))
);
-- the abuse limit counts a target's recent requests; listings filter by target and state
CREATE INDEX change_requests_target ON change_requests (target_id, created_at);
CREATE INDEX change_requests_state ON change_requests (state, id);

-- Approvals: one per operator per request (the primary key), only ever appended; approval_position keeps their order.
CREATE TABLE change_approvals (
  change_request_id  VARCHAR(40)    NOT NULL REFERENCES change_requests (id),
  operator_id        VARCHAR(40)    NOT NULL REFERENCES operators (id),
  approval_position  INTEGER        NOT NULL,
  approver_role      VARCHAR(32)    NOT NULL,
  approved_at        BIGINT         NOT NULL,
  step_up_at         BIGINT         NOT NULL,
  approval_comment   VARCHAR(1000),
  PRIMARY KEY (change_request_id, operator_id),
  CONSTRAINT change_approvals_position UNIQUE (change_request_id, approval_position)
);

-- Continuity challenges: single use, bound to one request; only the SHA-256 of the nonce is stored.
CREATE TABLE continuity_challenges (
  id                 VARCHAR(40)  PRIMARY KEY,
  change_request_id  VARCHAR(40)  NOT NULL REFERENCES change_requests (id),
  nonce_hash         VARCHAR(64)  NOT NULL,
  created_at         BIGINT       NOT NULL,
  expires_at         BIGINT       NOT NULL,
  used_at            BIGINT
);
CREATE INDEX continuity_challenges_request ON continuity_challenges (change_request_id, created_at);

-- The change request that bound a credential (bind method 'rebinding'), or NULL.
ALTER TABLE credentials ADD COLUMN change_request_id VARCHAR(40) REFERENCES change_requests (id);

-- The revocation feed gains 'identity_locked': resource servers refuse the tokens of a locked identity issued at or
-- before the event, as for 'identity'.
ALTER TABLE revocation_events DROP CONSTRAINT revocation_events_type;
ALTER TABLE revocation_events ADD CONSTRAINT revocation_events_type
    CHECK (event_type IN ('token', 'x5t#S256', 'jkt', 'identity', 'identity_locked'));
