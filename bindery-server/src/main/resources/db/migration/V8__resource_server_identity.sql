-- Bindery schema v8: the identity a resource server acts as (issue 4, introspection audience). Portable SQL for H2
-- (2.x) and PostgreSQL (13+). Introspection by an identity answers only for tokens whose aud names a resource
-- server linked to it (RFC 7662 section 4); NULL links none. Version 7 is reserved for another change of issue 4.
ALTER TABLE resource_servers ADD COLUMN identity_id VARCHAR(40);
ALTER TABLE resource_servers ADD CONSTRAINT resource_servers_identity FOREIGN KEY (identity_id)
  REFERENCES identities (id);
CREATE INDEX resource_servers_identity_id ON resource_servers (identity_id);
