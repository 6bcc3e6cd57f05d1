-- Bindery schema v2 for H2 (PostgreSQL has its own V2 in db/vendor/postgresql; common migrations live in
-- db/migration). H2 compares strings by code point, so identities_name already serves name-prefix search.

-- Step-up lock-out: failed attempts are counted from an operator's recent operator.step_up events. Without
-- this index H2 reads every event of the operator through audit_events_actor.
CREATE INDEX audit_events_actor_action_time ON audit_events (actor, action, event_time);
