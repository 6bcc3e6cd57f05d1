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

  private ClientTestData() {}
}
