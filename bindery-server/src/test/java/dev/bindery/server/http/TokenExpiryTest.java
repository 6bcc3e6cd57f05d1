package dev.bindery.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Its own server: this test moves the clock past token lifetimes. */
class TokenExpiryTest {
  @TempDir Path dir;

  @Test
  void expiredToken_401TokenExpiredNothingWrittenButDeniedAudited() {
    try (TestServer s = TestServer.start(dir)) {
      Fixtures f = new Fixtures(s);
      f.team("payments");
      TestServer.Response issued = s.post("/api/v1/operators/" + s.get("/api/v1/operators/me", s.adminToken)
          .json().get("id").asText() + "/tokens", s.adminToken, "{\"description\":\"short\",\"expires_in_days\":1}");
      assertThat(issued.status()).as(issued.body()).isEqualTo(201);
      String shortToken = issued.json().get("value").asText();
      assertThat(s.get("/api/v1/operators/me", shortToken).status()).isEqualTo(200);

      s.clock.advance(Duration.ofDays(1).plusSeconds(1));
      long identities = s.identityCount();
      long audit = s.auditHead();
      TestServer.Response r = s.post("/api/v1/identities", shortToken, BadInputTest.VALID_CREATE);
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.code()).isEqualTo("token_expired");
      assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
      assertThat(s.identityCount()).isEqualTo(identities);
      assertThat(s.auditHead()).isEqualTo(audit + 1);
      assertThat(s.lastAuditEvent().outcome()).isEqualTo(Outcome.DENIED);
      assertThat(s.lastAuditEvent().details()).containsEntry("code", "token_expired");
      // the long-lived admin token still works
      assertThat(s.get("/api/v1/operators/me", s.adminToken).status()).isEqualTo(200);
    }
  }
}
