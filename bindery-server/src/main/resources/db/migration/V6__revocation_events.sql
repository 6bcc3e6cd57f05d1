-- Bindery schema v6: the revocation feed (issue 4). Portable SQL for H2 (2.x) and PostgreSQL (13+); times are
-- BIGINT microseconds since the Unix epoch, as in V1.

-- One row holding the last sequence number. An append increments it and keeps the row locked until its transaction
-- ends, so appends are serialized and sequence numbers increase in commit order across every node sharing the
-- database: a feed reader that saw seq n never misses an event committed later with a smaller number (which a plain
-- identity column or sequence allows, since a transaction may draw a number and commit after a later one).
CREATE TABLE revocation_feed_head (
  id        INTEGER  PRIMARY KEY,
  last_seq  BIGINT   NOT NULL,
  CONSTRAINT revocation_feed_head_single CHECK (id = 1)
);
INSERT INTO revocation_feed_head (id, last_seq) VALUES (1, 0);

-- Events of the feed, appended in the transaction of the change they announce; pruned after the retention (the
-- maximum token lifetime plus a margin).
CREATE TABLE revocation_events (
  seq          BIGINT        PRIMARY KEY,
  event_type   VARCHAR(16)   NOT NULL,
  event_value  VARCHAR(512)  NOT NULL,
  occurred_at  BIGINT        NOT NULL,
  CONSTRAINT revocation_events_type CHECK (event_type IN ('token', 'x5t#S256', 'jkt', 'identity'))
);
CREATE INDEX revocation_events_value ON revocation_events (event_value, event_type);
CREATE INDEX revocation_events_time ON revocation_events (occurred_at);
