package dev.bindery.cli;

/** Answers as the Bindery API sends them (docs/api.md), for the fake server to return. */
final class ClientTestData {
  static final String TOKEN = "bnd_op_Secret0TokenValue0ForTests";

  static final String IDENTITY = """
      {"id":"nhi_abc","kind":"workload","name":"billing-worker","description":null,"tenant":null,
       "contact":null,"labels":{"env":"prod"},"owner_team":"payments","backup_owner":"team:platform",
       "scopes":["billing.read"],"status":"active","status_reason":null,"predecessor":null,"version":7,
       "created_at":"2026-11-23T19:40:00.123Z","updated_at":"2026-11-23T19:40:00.123Z"}""";

  static final String OPERATOR = """
      {"id":"op_1","name":"alice","roles":["admin"],"teams":["payments"],"status":"active","version":3,
       "created_at":"2026-11-23T19:40:00.123Z","updated_at":"2026-11-23T19:40:00.123Z"}""";

  static final String CREDENTIAL = """
      {"id":"cred_1","identity_id":"nhi_abc","type":"x509_svid","status":"active","usable":true,
       "lineage_id":"lin_1","generation":3,"serial":"4f1c","thumbprint":"dGh1bWI","key_type":"EC P-256",
       "not_before":"2026-11-23T19:40:00.123Z","not_after":"2026-11-24T19:40:00.123Z","bound_by":"nhi_abc",
       "bound_at":"2026-11-23T19:40:00.123Z","bind_method":"renewal","assurance":"software",
       "last_used_at":null,"revoked_at":null,"revocation_reason":null,"superseded_by":null,
       "display_prefix":null}""";

  static final String API_KEY_CREDENTIAL = """
      {"id":"cred_9","identity_id":"nhi_abc","type":"api_key","status":"active","usable":true,
       "lineage_id":null,"generation":null,"serial":null,"thumbprint":null,"key_type":null,
       "not_before":"2026-11-23T19:40:00.123Z","not_after":"2027-01-31T00:00:00.000Z","bound_by":"op_1",
       "bound_at":"2026-11-23T19:40:00.123Z","bind_method":"registration","assurance":"software",
       "last_used_at":null,"revoked_at":null,"revocation_reason":null,"superseded_by":null,
       "display_prefix":"bnd_ak_abcde"}""";

  private ClientTestData() {}
}
