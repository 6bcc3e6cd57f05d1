package dev.bindery.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bindery.audit.AuditRecord;
import dev.bindery.audit.AuditVerifier;
import dev.bindery.audit.Outcome;
import dev.bindery.identity.BackupOwner;
import dev.bindery.identity.FederatedSubject;
import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityKind;
import dev.bindery.identity.IdentityQuery;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.identity.Ownership;
import dev.bindery.identity.Scope;
import dev.bindery.identity.SubjectLink;
import dev.bindery.identity.TeamId;
import dev.bindery.operator.Team;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StoreSmokeTest {
  static Stream<String> stores() {
    return Stream.of("h2", "postgres");
  }

  private static Database open(String kind) {
    return Database.open(kind.equals("h2") ? TestDatabases.h2() : TestDatabases.postgres());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void identityRoundTrip_allFieldsSurvive(String kind) {
    try (Database db = open(kind)) {
      Instant now = Instant.parse("2026-11-23T10:15:30.123456Z");
      Identity identity = new Identity(IdentityId.generate(new SecureRandom()), IdentityKind.WORKLOAD, "billing",
          "desc", "tenant-a", "ops@example.com", Map.of("env", "prod", "tier", "1"),
          new Ownership(new TeamId("payments"), BackupOwner.team(new TeamId("platform"))),
          Set.of(new Scope("billing.read"), new Scope("billing.write")), 2, IdentityStatus.ACTIVE, null, null, 1, now,
          now);
      db.transactor().inTransaction(tx -> {
        tx.teams().insert(new Team(new TeamId("payments"), "Payments", now));
        tx.teams().insert(new Team(new TeamId("platform"), "Platform", now));
        tx.identities().insert(identity);
        tx.identities().insertLink(new SubjectLink(new FederatedSubject("https://issuer", "sub-1"), identity.id(), now));
        tx.audit().append(new AuditRecord("system", "test", identity.id().value(), Map.of("n", 1L), Outcome.SUCCESS, "r"), now);
        return null;
      });
      Identity read = db.transactor().read(tx -> tx.identities().findById(identity.id())).orElseThrow();
      assertThat(read).isEqualTo(identity);
      var page = db.transactor().read(tx -> tx.identities().search(
          new IdentityQuery(null, null, null, "env", "prod", null, "bil", null, 10)));
      assertThat(page.items()).containsExactly(identity);
      AuditVerifier v = new AuditVerifier();
      db.transactor().read(tx -> {
        tx.audit().scan(0, 10, v::accept);
        assertThat(v.finish(tx.audit().head()).ok()).isTrue();
        return null;
      });
    }
  }
}
