package dev.bindery.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.identity.Identity;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityKind;
import dev.bindery.identity.TeamId;
import dev.bindery.oauth.UsedClientAssertion;
import dev.bindery.operator.Team;
import dev.bindery.revocation.RevocationEvent;
import dev.bindery.revocation.RevocationEventType;
import dev.bindery.store.Transactor;
import dev.bindery.store.Tx;
import dev.bindery.store.UniqueViolation;
import dev.bindery.testkit.TestIdentities;
import dev.bindery.token.Audience;
import dev.bindery.token.ResourceServer;
import dev.bindery.token.SigningKeyState;
import dev.bindery.token.StoredSigningKey;
import dev.bindery.token.TokenPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The storage contract of the token ports ({@link dev.bindery.token.SigningKeyRepository},
 * {@link dev.bindery.token.ResourceServerRepository}, {@link dev.bindery.token.TokenPolicyRepository},
 * {@link dev.bindery.revocation.RevocationEventRepository}, {@link dev.bindery.oauth.ClientAssertionRepository})
 * as JUnit test-interface methods. The {@link RepositoryConformanceSuite} implements it; a test class may implement it alone
 * (it only needs {@link #tokenStore()}, fresh per test). Instants have millisecond precision.
 */
public interface TokenRepositoryConformance {
  Instant K0 = Instant.parse("2026-12-01T10:00:00.456Z");
  TeamId TOKEN_TEAM = new TeamId("token-owners");
  TeamId TOKEN_BACKUP_TEAM = new TeamId("token-backup");

  /** The store under test: fresh for each test (it may hold what a suite's own setup wrote). */
  Transactor tokenStore();

  // ---- signing keys -------------------------------------------------------------------------------------

  @Test
  default void signingKeys_insertAndList_roundTripExactlyOldestFirst() {
    StoredSigningKey current = key("key_current", SigningKeyState.CURRENT, K0);
    StoredSigningKey next = key("key_next", SigningKeyState.NEXT, K0.plusSeconds(5));
    twrite(t -> t.signingKeys().insert(next));
    twrite(t -> t.signingKeys().insert(current));

    List<StoredSigningKey> all = tread((Tx t) -> t.signingKeys().list());

    assertThat(all).hasSize(2);
    assertThat(all.get(0).sameAs(current)).as("current, created first").isTrue();
    assertThat(all.get(1).sameAs(next)).as("next").isTrue();
    assertThat(all.get(0).sealedPrivateKey()).isEqualTo(current.sealedPrivateKey());
  }

  @Test
  default void signingKeys_secondKeyInATakenSlot_uniqueViolationAndNothingWritten() {
    twrite(t -> t.signingKeys().insert(key("key_a", SigningKeyState.NEXT, K0)));

    assertThatThrownBy(() -> twrite(t -> t.signingKeys().insert(key("key_b", SigningKeyState.NEXT, K0))))
        .isInstanceOf(UniqueViolation.class);
    assertThatThrownBy(() -> twrite(t -> t.signingKeys().insert(key("key_a", SigningKeyState.CURRENT, K0))))
        .as("same kid").isInstanceOf(UniqueViolation.class);

    assertThat(tread((Tx t) -> t.signingKeys().list())).extracting(StoredSigningKey::kid).containsExactly("key_a");
  }

  @Test
  default void signingKeys_rotateInOneTransaction_retiresCurrentThenActivatesNext() {
    StoredSigningKey current = key("key_old", SigningKeyState.CURRENT, K0);
    StoredSigningKey next = key("key_new", SigningKeyState.NEXT, K0.plusSeconds(1));
    twrite(t -> {
      t.signingKeys().insert(current);
      t.signingKeys().insert(next);
    });
    Instant at = K0.plusSeconds(3600);

    twrite(t -> {
      assertThat(t.signingKeys().update(current.retire(at))).isTrue();
      assertThat(t.signingKeys().update(next.activate(at))).isTrue();
    });

    List<StoredSigningKey> all = tread((Tx t) -> t.signingKeys().list());
    assertThat(all.get(0).state()).isEqualTo(SigningKeyState.RETIRED);
    assertThat(all.get(0).retiredAt()).isEqualTo(at);
    assertThat(all.get(0).sealedPrivateKey()).as("a retired key keeps no private key").isNull();
    assertThat(all.get(1).state()).isEqualTo(SigningKeyState.CURRENT);
    assertThat(all.get(1).activatedAt()).isEqualTo(at);
    assertThat(all.get(1).version()).isEqualTo(2);
  }

  @Test
  default void signingKeys_activateWhileCurrentHoldsTheSlot_uniqueViolationRollsBack() {
    StoredSigningKey current = key("key_old", SigningKeyState.CURRENT, K0);
    StoredSigningKey next = key("key_new", SigningKeyState.NEXT, K0.plusSeconds(1));
    twrite(t -> {
      t.signingKeys().insert(current);
      t.signingKeys().insert(next);
    });

    assertThatThrownBy(() -> twrite(t -> t.signingKeys().update(next.activate(K0.plusSeconds(9)))))
        .isInstanceOf(UniqueViolation.class);

    assertThat(tread((Tx t) -> t.signingKeys().list())).extracting(StoredSigningKey::state)
        .containsExactly(SigningKeyState.CURRENT, SigningKeyState.NEXT);
  }

  @Test
  default void signingKeys_updateAtAStaleVersion_falseAndUnchanged() {
    StoredSigningKey next = key("key_n", SigningKeyState.NEXT, K0);
    twrite(t -> t.signingKeys().insert(next));
    StoredSigningKey activated = next.activate(K0.plusSeconds(1));
    twrite(t -> assertThat(t.signingKeys().update(activated)).isTrue());

    twrite(t -> assertThat(t.signingKeys().update(next.activate(K0.plusSeconds(2)))).isFalse());

    assertThat(tread((Tx t) -> t.signingKeys().list()).get(0).activatedAt()).isEqualTo(K0.plusSeconds(1));
  }

  @Test
  default void signingKeys_deleteRetired_onlyARetiredKeyAtItsVersion() {
    StoredSigningKey current = key("key_c", SigningKeyState.CURRENT, K0);
    twrite(t -> t.signingKeys().insert(current));
    twrite(t -> assertThat(t.signingKeys().deleteRetired("key_c", 1)).as("not retired").isFalse());
    StoredSigningKey retired = current.retire(K0.plusSeconds(10));
    twrite(t -> t.signingKeys().update(retired));

    twrite(t -> assertThat(t.signingKeys().deleteRetired("key_c", 1)).as("stale version").isFalse());
    twrite(t -> assertThat(t.signingKeys().deleteRetired("key_c", retired.version())).isTrue());

    assertThat(tread((Tx t) -> t.signingKeys().list())).isEmpty();
  }

  // ---- resource servers ---------------------------------------------------------------------------------

  @Test
  default void resourceServers_insertFindList_inAudienceOrder() {
    ResourceServer b = new ResourceServer(new Audience("https://b.example/api"), "B", "op_x", K0);
    ResourceServer a = new ResourceServer(new Audience("https://a.example/"), "A", "op_y", K0.plusMillis(1));
    twrite(t -> {
      t.resourceServers().insert(b);
      t.resourceServers().insert(a);
    });

    assertThat(tread((Tx t) -> t.resourceServers().find(new Audience("https://a.example/")))).contains(a);
    assertThat(tread((Tx t) -> t.resourceServers().find(new Audience("https://a.example")))).as("exact match only")
        .isEmpty();
    assertThat(tread((Tx t) -> t.resourceServers().list())).containsExactly(a, b);
  }

  @Test
  default void resourceServers_sameAudienceTwice_uniqueViolationAndNothingWritten() {
    ResourceServer a = new ResourceServer(new Audience("urn:example:api"), "A", "op_x", K0);
    twrite(t -> t.resourceServers().insert(a));

    assertThatThrownBy(() -> twrite(t -> t.resourceServers().insert(
        new ResourceServer(new Audience("urn:example:api"), "Other", "op_z", K0)))).isInstanceOf(UniqueViolation.class);

    assertThat(tread((Tx t) -> t.resourceServers().list())).containsExactly(a);
  }

  @Test
  default void resourceServers_linkedToAnIdentity_listedForItOnlyInAudienceOrder() {
    IdentityId id = tokenIdentity();
    IdentityId other = tokenIdentity();
    ResourceServer b = new ResourceServer(new Audience("https://b.example/"), "B", "op_x", K0, id);
    ResourceServer a = new ResourceServer(new Audience("https://a.example/"), "A", "op_x", K0, id);
    ResourceServer c = new ResourceServer(new Audience("https://c.example/"), "C", "op_x", K0, other);
    ResourceServer unlinked = new ResourceServer(new Audience("https://d.example/"), "D", "op_x", K0);
    twrite(t -> {
      t.resourceServers().insert(b);
      t.resourceServers().insert(a);
      t.resourceServers().insert(c);
      t.resourceServers().insert(unlinked);
    });

    assertThat(tread((Tx t) -> t.resourceServers().listForIdentity(id))).containsExactly(a, b);
    assertThat(tread((Tx t) -> t.resourceServers().listForIdentity(other))).containsExactly(c);
    assertThat(tread((Tx t) -> t.resourceServers().find(new Audience("https://b.example/")))).contains(b);
    assertThat(tread((Tx t) -> t.resourceServers().find(new Audience("https://d.example/"))).orElseThrow()
        .identityId()).isNull();
  }

  // ---- token policies -----------------------------------------------------------------------------------

  @Test
  default void tokenPolicies_insertFindUpdate_withVersions() {
    IdentityId id = tokenIdentity();
    assertThat(tread((Tx t) -> t.tokenPolicies().find(id))).isEmpty();
    TokenPolicy first = TokenPolicy.defaultFor(id).with(true, Duration.ofSeconds(120), "op_a", K0);
    twrite(t -> t.tokenPolicies().insert(first));
    assertThat(tread((Tx t) -> t.tokenPolicies().find(id))).contains(first);

    TokenPolicy second = first.with(false, null, "op_b", K0.plusSeconds(1));
    twrite(t -> assertThat(t.tokenPolicies().update(second)).isTrue());
    twrite(t -> assertThat(t.tokenPolicies().update(first.with(true, null, "op_c", K0.plusSeconds(2))))
        .as("stale version").isFalse());

    Optional<TokenPolicy> read = tread((Tx t) -> t.tokenPolicies().find(id));
    assertThat(read).contains(second);
    assertThat(read.get().tokenLifetime()).isNull();
  }

  @Test
  default void tokenPolicies_insertTwice_uniqueViolation() {
    IdentityId id = tokenIdentity();
    TokenPolicy first = TokenPolicy.defaultFor(id).with(true, null, "op_a", K0);
    twrite(t -> t.tokenPolicies().insert(first));

    assertThatThrownBy(() -> twrite(t -> t.tokenPolicies().insert(first))).isInstanceOf(UniqueViolation.class);
    assertThat(tread((Tx t) -> t.tokenPolicies().find(id))).contains(first);
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  private static StoredSigningKey key(String kid, SigningKeyState state, Instant at) {
    byte[] sealed = new byte[64];
    java.util.Arrays.fill(sealed, (byte) kid.length());
    sealed[0] = 1;
    return StoredSigningKey.created(kid, "ES256", state,
        "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"" + kid + "\",\"x\":\"x\",\"y\":\"y\"}", sealed, at);
  }

  private IdentityId tokenIdentity() {
    Identity identity = TestIdentities.workload().owner(TOKEN_TEAM).backupTeam(TOKEN_BACKUP_TEAM).toIdentity(K0);
    twrite(t -> {
      if (t.teams().findById(TOKEN_TEAM).isEmpty()) {
        t.teams().insert(new Team(TOKEN_TEAM, "Token owners", K0));
        t.teams().insert(new Team(TOKEN_BACKUP_TEAM, "Token backup", K0));
      }
      t.identities().insert(identity);
    });
    return identity.id();
  }

  // ---- revocation events --------------------------------------------------------------------------------

  @Test
  default void revocationEvents_append_sequenceIncreasesAndRoundTripsExactly() {
    long first = tcall((Tx t) -> t.revocationEvents().append(RevocationEventType.TOKEN, "tok_a", K0));
    long second = tcall((Tx t) -> t.revocationEvents().append(RevocationEventType.X5T_S256, "x5t-b",
        K0.plusSeconds(1)));
    long third = tcall((Tx t) -> {
      t.revocationEvents().append(RevocationEventType.JKT, "jkt-c", K0.plusSeconds(2));
      return t.revocationEvents().append(RevocationEventType.IDENTITY, "nhi_d", K0.plusSeconds(2));
    });

    assertThat(first).isPositive();
    assertThat(second).isGreaterThan(first);
    assertThat(third).isEqualTo(second + 2);
    List<RevocationEvent> all = tread((Tx t) -> t.revocationEvents().since(0, 100));
    assertThat(all).containsExactly(
        new RevocationEvent(first, RevocationEventType.TOKEN, "tok_a", K0),
        new RevocationEvent(second, RevocationEventType.X5T_S256, "x5t-b", K0.plusSeconds(1)),
        new RevocationEvent(third - 1, RevocationEventType.JKT, "jkt-c", K0.plusSeconds(2)),
        new RevocationEvent(third, RevocationEventType.IDENTITY, "nhi_d", K0.plusSeconds(2)));
  }

  @Test
  default void revocationEvents_since_pagesAfterTheGivenSequenceInOrder() {
    long[] seqs = new long[5];
    for (int i = 0; i < 5; i++) {
      int n = i;
      seqs[i] = tcall((Tx t) -> t.revocationEvents().append(RevocationEventType.TOKEN, "tok_" + n, K0));
    }

    assertThat(tread((Tx t) -> t.revocationEvents().since(seqs[1], 2))).extracting(RevocationEvent::value)
        .containsExactly("tok_2", "tok_3");
    assertThat(tread((Tx t) -> t.revocationEvents().since(seqs[4], 10))).isEmpty();
  }

  @Test
  default void revocationEvents_rolledBackAppend_leavesNothingAndItsNumberIsNotReusedOutOfOrder() {
    long kept = tcall((Tx t) -> t.revocationEvents().append(RevocationEventType.TOKEN, "tok_kept", K0));
    assertThatThrownBy(() -> twrite(t -> {
      t.revocationEvents().append(RevocationEventType.TOKEN, "tok_lost", K0);
      throw new IllegalArgumentException("abort");
    })).hasMessage("abort");
    long after = tcall((Tx t) -> t.revocationEvents().append(RevocationEventType.TOKEN, "tok_after", K0));

    assertThat(after).isGreaterThan(kept);
    assertThat(tread((Tx t) -> t.revocationEvents().since(0, 10))).extracting(RevocationEvent::value)
        .containsExactly("tok_kept", "tok_after");
  }

  @Test
  default void revocationEvents_latest_findsTheNewestOfThatTypeAndValueOnly() {
    tcall((Tx t) -> t.revocationEvents().append(RevocationEventType.IDENTITY, "nhi_x", K0));
    long newest = tcall((Tx t) -> t.revocationEvents().append(RevocationEventType.IDENTITY, "nhi_x", K0.plusSeconds(9)));
    tcall((Tx t) -> t.revocationEvents().append(RevocationEventType.TOKEN, "nhi_y", K0));

    assertThat(tread((Tx t) -> t.revocationEvents().latest(RevocationEventType.IDENTITY, "nhi_x")))
        .contains(new RevocationEvent(newest, RevocationEventType.IDENTITY, "nhi_x", K0.plusSeconds(9)));
    assertThat(tread((Tx t) -> t.revocationEvents().latest(RevocationEventType.TOKEN, "nhi_x"))).isEmpty();
    assertThat(tread((Tx t) -> t.revocationEvents().latest(RevocationEventType.IDENTITY, "nhi_y"))).isEmpty();
  }

  @Test
  default void revocationEvents_deleteBefore_dropsOnlyOlderEventsAndKeepsNumbering() {
    tcall((Tx t) -> t.revocationEvents().append(RevocationEventType.TOKEN, "tok_old", K0));
    long recent = tcall((Tx t) -> t.revocationEvents().append(RevocationEventType.TOKEN, "tok_new", K0.plusSeconds(60)));

    int dropped = tcall((Tx t) -> t.revocationEvents().deleteBefore(K0.plusSeconds(60)));
    long next = tcall((Tx t) -> t.revocationEvents().append(RevocationEventType.TOKEN, "tok_next", K0.plusSeconds(61)));

    assertThat(dropped).isEqualTo(1);
    assertThat(next).isEqualTo(recent + 1);
    assertThat(tread((Tx t) -> t.revocationEvents().since(0, 10))).extracting(RevocationEvent::value)
        .containsExactly("tok_new", "tok_next");
  }

  // ---- used client assertions (private_key_jwt jti replay) ----------------------------------------------

  private static UsedClientAssertion used(IdentityId client, String jti, Instant at, Duration validFor) {
    return new UsedClientAssertion(client, UsedClientAssertion.jtiHash(jti), at, at.plus(validFor));
  }

  @Test
  default void clientAssertions_use_recordsOnceAndRoundTripsExactly() {
    IdentityId client = tokenIdentity();
    UsedClientAssertion first = used(client, "jti-1", K0, Duration.ofSeconds(90));
    UsedClientAssertion second = used(client, "jti-2", K0.plusSeconds(1), Duration.ofSeconds(90));

    assertThat(tcall((Tx t) -> t.clientAssertions().use(second))).isTrue();
    assertThat(tcall((Tx t) -> t.clientAssertions().use(first))).isTrue();

    assertThat(tread((Tx t) -> t.clientAssertions().listForClient(client))).as("oldest use first")
        .containsExactly(first, second);
  }

  @Test
  default void clientAssertions_sameJtiBeforeItsExpiry_falseAndNothingWritten() {
    IdentityId client = tokenIdentity();
    UsedClientAssertion first = used(client, "jti-r", K0, Duration.ofSeconds(90));
    tcall((Tx t) -> t.clientAssertions().use(first));

    boolean replay = tcall((Tx t) -> t.clientAssertions().use(used(client, "jti-r", K0.plusSeconds(89),
        Duration.ofSeconds(90))));

    assertThat(replay).isFalse();
    assertThat(tread((Tx t) -> t.clientAssertions().listForClient(client))).containsExactly(first);
  }

  @Test
  default void clientAssertions_replayInsideATransaction_leavesTheTransactionUsable() {
    IdentityId client = tokenIdentity();
    tcall((Tx t) -> t.clientAssertions().use(used(client, "jti-t", K0, Duration.ofSeconds(90))));

    long seq = tcall((Tx t) -> {
      assertThat(t.clientAssertions().use(used(client, "jti-t", K0.plusSeconds(1), Duration.ofSeconds(90))))
          .isFalse();
      // on PostgreSQL a failed statement would abort the transaction: the adapter must not leave it so
      return t.revocationEvents().append(RevocationEventType.TOKEN, "tok_after_replay", K0);
    });

    assertThat(tread((Tx t) -> t.revocationEvents().since(seq - 1, 10))).extracting(RevocationEvent::value)
        .containsExactly("tok_after_replay");
  }

  @Test
  default void clientAssertions_sameJtiAfterItsExpiry_replacesTheRecord() {
    IdentityId client = tokenIdentity();
    tcall((Tx t) -> t.clientAssertions().use(used(client, "jti-e", K0, Duration.ofSeconds(90))));
    UsedClientAssertion again = used(client, "jti-e", K0.plusSeconds(90), Duration.ofSeconds(90));

    assertThat(tcall((Tx t) -> t.clientAssertions().use(again))).as("expired exactly at its expiry").isTrue();

    assertThat(tread((Tx t) -> t.clientAssertions().listForClient(client))).containsExactly(again);
  }

  @Test
  default void clientAssertions_sameJtiOfAnotherClient_independent() {
    IdentityId a = tokenIdentity();
    IdentityId b = tokenIdentity();
    tcall((Tx t) -> t.clientAssertions().use(used(a, "shared", K0, Duration.ofSeconds(90))));

    assertThat(tcall((Tx t) -> t.clientAssertions().use(used(b, "shared", K0, Duration.ofSeconds(90))))).isTrue();
    assertThat(tread((Tx t) -> t.clientAssertions().listForClient(a))).hasSize(1);
    assertThat(tread((Tx t) -> t.clientAssertions().listForClient(b))).hasSize(1);
  }

  @Test
  default void clientAssertions_rolledBack_leavesNothing() {
    IdentityId client = tokenIdentity();
    assertThatThrownBy(() -> twrite(t -> {
      t.clientAssertions().use(used(client, "jti-lost", K0, Duration.ofSeconds(90)));
      throw new IllegalArgumentException("abort");
    })).hasMessage("abort");

    assertThat(tread((Tx t) -> t.clientAssertions().listForClient(client))).isEmpty();
    assertThat(tcall((Tx t) -> t.clientAssertions().use(used(client, "jti-lost", K0, Duration.ofSeconds(90)))))
        .isTrue();
  }

  @Test
  default void clientAssertions_deleteExpired_dropsOnlyThoseExpiredAtNow() {
    IdentityId client = tokenIdentity();
    tcall((Tx t) -> t.clientAssertions().use(used(client, "old", K0, Duration.ofSeconds(60))));
    UsedClientAssertion live = used(client, "live", K0, Duration.ofSeconds(61));
    tcall((Tx t) -> t.clientAssertions().use(live));

    int dropped = tcall((Tx t) -> t.clientAssertions().deleteExpired(K0.plusSeconds(60)));

    assertThat(dropped).isEqualTo(1);
    assertThat(tread((Tx t) -> t.clientAssertions().listForClient(client))).containsExactly(live);
  }

  private void twrite(Consumer<Tx> work) {
    tokenStore().inTransaction(t -> {
      work.accept(t);
      return null;
    });
  }

  private <T> T tcall(Function<Tx, T> work) {
    return tokenStore().inTransaction(work);
  }

  private <T> T tread(Function<Tx, T> work) {
    return tokenStore().read(work);
  }
}
