-- Bindery schema v12: the support desk (issue 6, docs/support-desk.md): support actions with their approvals, anomaly
-- alerts, and the source addresses credentials of an identity were enrolled from. Portable SQL for H2 (2.x) and
-- PostgreSQL (13+), conventions as V1: times are BIGINT microseconds since the Unix epoch; JSON columns hold
-- canonical JSON (sorted keys). Nothing here is deleted. No secret is stored: what an action issued is kept by
-- reference only. Version 11 is left to the work done beside this one (delivery).

-- Support actions: their own aggregate (not rows of change_requests), sharing the change-request state machine.
-- The target is an identity or an operator: exactly one of target_identity_id and target_operator_id is set, each
-- with its foreign key. open_for holds the target's id while the action is open (pending or approved) and NULL once
-- it is terminal: its UNIQUE constraint (NULLs are distinct on both databases) allows at most one open action per
-- target, so two concurrent actions on one target cannot both be stored (identity and operator ids have distinct
-- prefixes, nhi_ and op_, so one column serves both kinds).
CREATE TABLE support_actions (
  id                      VARCHAR(40)    PRIMARY KEY,
  action_type             VARCHAR(32)    NOT NULL,
  target_identity_id      VARCHAR(40)    REFERENCES identities (id),
  target_operator_id      VARCHAR(40)    REFERENCES operators (id),
  target_version          BIGINT         NOT NULL,
  agent_id                VARCHAR(40)    NOT NULL REFERENCES operators (id),
  reason                  VARCHAR(1000)  NOT NULL,
  -- the evidence; verified_by is the operator id the agent named (not a foreign key: it is what the agent stated)
  evidence_ticket         VARCHAR(64)    NOT NULL,
  evidence_requester      VARCHAR(200)   NOT NULL,
  verification_method     VARCHAR(32)    NOT NULL,
  verification_reference  VARCHAR(200)   NOT NULL,
  verified_by             VARCHAR(40)    NOT NULL,
  verified_at             BIGINT         NOT NULL,
  -- the type's parameters: a JSON object of strings
  parameters              VARCHAR(4000)  NOT NULL,
  -- the required approval roles, separated by single spaces (a role listed twice needs two approvers)
  req_approvals           VARCHAR(200)   NOT NULL,
  -- why they are required: a JSON array of strings (a reason may name a privileged scope)
  req_because             VARCHAR(20000) NOT NULL,
  agent_step_up_at        BIGINT,
  state                   VARCHAR(16)    NOT NULL,
  open_for                VARCHAR(40)    UNIQUE,
  created_at              BIGINT         NOT NULL,
  expires_at              BIGINT         NOT NULL,
  resolved_at             BIGINT,
  resolved_by             VARCHAR(40),
  -- what apply did (applied actions only): issued items as a JSON array of {kind, ref}, the revoked credential ids
  -- separated by single spaces, and the changed fields before and after as JSON objects of strings
  result_issued           VARCHAR(10000),
  result_revoked          VARCHAR(100000),
  result_before           VARCHAR(10000),
  result_after            VARCHAR(10000),
  review_state            VARCHAR(16)    NOT NULL,
  reviewer_id             VARCHAR(40)    REFERENCES operators (id),
  reviewed_at             BIGINT,
  review_comment          VARCHAR(1000),
  disavowed_at            BIGINT,
  version                 BIGINT         NOT NULL,
  CONSTRAINT support_actions_target CHECK ((target_identity_id IS NULL AND target_operator_id IS NOT NULL)
      OR (target_identity_id IS NOT NULL AND target_operator_id IS NULL)),
  CONSTRAINT support_actions_state CHECK (state IN ('pending', 'approved', 'applied', 'rejected', 'expired',
      'cancelled')),
  -- open_for IS NOT NULL: a comparison with NULL is unknown, which a CHECK lets pass
  CONSTRAINT support_actions_open_for CHECK ((state IN ('pending', 'approved') AND open_for IS NOT NULL
      AND open_for = COALESCE(target_identity_id, target_operator_id))
      OR (state NOT IN ('pending', 'approved') AND open_for IS NULL)),
  CONSTRAINT support_actions_result CHECK ((state = 'applied' AND result_issued IS NOT NULL
      AND result_revoked IS NOT NULL AND result_before IS NOT NULL AND result_after IS NOT NULL)
      OR (state <> 'applied' AND result_issued IS NULL AND result_revoked IS NULL AND result_before IS NULL
      AND result_after IS NULL)),
  CONSTRAINT support_actions_review CHECK ((review_state = 'unreviewed' AND reviewer_id IS NULL
      AND reviewed_at IS NULL AND review_comment IS NULL)
      OR (review_state IN ('confirmed', 'flagged') AND state = 'applied' AND reviewer_id IS NOT NULL
      AND reviewed_at IS NOT NULL))
);
-- the alerts count a target's and an agent's recent actions; the reports count all recent actions; the review queue
-- finds applied, unreviewed actions by apply time
CREATE INDEX support_actions_identity ON support_actions (target_identity_id, created_at);
CREATE INDEX support_actions_operator ON support_actions (target_operator_id, created_at);
CREATE INDEX support_actions_agent ON support_actions (agent_id, created_at);
CREATE INDEX support_actions_created ON support_actions (created_at);
CREATE INDEX support_actions_review ON support_actions (state, review_state, resolved_at);

-- Approvals of support actions: one per operator per action (the primary key), only ever appended;
-- approval_position keeps their order. Same columns as change_approvals.
CREATE TABLE support_approvals (
  support_action_id  VARCHAR(40)    NOT NULL REFERENCES support_actions (id),
  operator_id        VARCHAR(40)    NOT NULL REFERENCES operators (id),
  approval_position  INTEGER        NOT NULL,
  approver_role      VARCHAR(32)    NOT NULL,
  approved_at        BIGINT         NOT NULL,
  step_up_at         BIGINT         NOT NULL,
  approval_comment   VARCHAR(1000),
  PRIMARY KEY (support_action_id, operator_id),
  CONSTRAINT support_approvals_position UNIQUE (support_action_id, approval_position)
);

-- Anomaly alerts. Open while cleared_at is NULL; clearing is an update. action_id names the action that crossed the
-- threshold; it has no foreign key, as the storage port does not require that action to be stored.
CREATE TABLE support_alerts (
  id                  VARCHAR(40)    PRIMARY KEY,
  alert_kind          VARCHAR(32)    NOT NULL,
  agent_id            VARCHAR(40)    NOT NULL REFERENCES operators (id),
  target_identity_id  VARCHAR(40)    REFERENCES identities (id),
  target_operator_id  VARCHAR(40)    REFERENCES operators (id),
  action_id           VARCHAR(40),
  -- small non-secret facts: a JSON object of strings
  details             VARCHAR(4000)  NOT NULL,
  raised_at           BIGINT         NOT NULL,
  cleared_at          BIGINT,
  cleared_by          VARCHAR(40)    REFERENCES operators (id),
  clear_comment       VARCHAR(1000),
  version             BIGINT         NOT NULL,
  CONSTRAINT support_alerts_kind CHECK (alert_kind IN ('identity_resets', 'agent_targets', 'outside_hours',
      'unusual_enrolment_source')),
  CONSTRAINT support_alerts_target CHECK (target_identity_id IS NULL OR target_operator_id IS NULL),
  CONSTRAINT support_alerts_cleared CHECK ((cleared_at IS NULL AND cleared_by IS NULL AND clear_comment IS NULL)
      OR (cleared_at IS NOT NULL AND cleared_by IS NOT NULL))
);
-- an agent's open alerts (supervision) by age; the open alerts in id order (count, listing)
CREATE INDEX support_alerts_agent ON support_alerts (agent_id, cleared_at, raised_at);
CREATE INDEX support_alerts_open ON support_alerts (cleared_at, id);

-- The source addresses credentials of an identity were enrolled from, for the "unusual source" alert: the first
-- sighting of each (identity, source) is kept.
CREATE TABLE support_enrolment_sources (
  identity_id    VARCHAR(40)   NOT NULL REFERENCES identities (id),
  source         VARCHAR(255)  NOT NULL,
  first_seen_at  BIGINT        NOT NULL,
  PRIMARY KEY (identity_id, source)
);
