-- Bindery schema v4: the CA material of the deployment (issue 3). One row at most (id = 1): the first node
-- to initialize the CA inserts it, the others read it. Certificates are PEM; private keys are sealed under
-- the master key (AES-256-GCM) and stored as base64; the root key is null when the CA was imported without it.
-- Versions 2 and 3 are reserved for other parts of issue 3.

CREATE TABLE ca_material (
  id                       SMALLINT       PRIMARY KEY,
  trust_domain             VARCHAR(255)   NOT NULL,
  root_pem                 VARCHAR(20000) NOT NULL,
  intermediate_pem         VARCHAR(20000) NOT NULL,
  sealed_intermediate_key  VARCHAR(8000)  NOT NULL,
  sealed_root_key          VARCHAR(8000),
  created_at               BIGINT         NOT NULL,
  CONSTRAINT ca_material_single_row CHECK (id = 1)
);
