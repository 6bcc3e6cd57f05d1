-- Bindery schema v2 for PostgreSQL (H2 has its own V2 in db/vendor/h2; common migrations live in db/migration).
--
-- Name-prefix search (name LIKE 'prefix%'): PostgreSQL uses a B-tree index for LIKE only when the index
-- compares in byte order. identities_name uses the database's default collation, which is byte order only
-- for "C"/"POSIX" databases (not C.UTF-8, not en_US.UTF-8), so the search read the whole table. An index with
-- the pattern operator class serves the prefix under every collation; it replaces identities_name, which no
-- query uses for anything else.
CREATE INDEX identities_name_prefix ON identities (name text_pattern_ops, id);
DROP INDEX identities_name;
-- The planner estimates how many names share a prefix from this column's histogram. With the default 100
-- buckets, 45 of 300 prefixes that each 100 of 100,000 names share were planned as a walk of the primary key
-- that filters names (tens of milliseconds) instead of a use of this index; with 1,000 buckets, none.
ALTER TABLE identities ALTER COLUMN name SET STATISTICS 1000;

-- Step-up lock-out: failed attempts are counted from an operator's recent operator.step_up events.
CREATE INDEX audit_events_actor_action_time ON audit_events (actor, action, event_time);
