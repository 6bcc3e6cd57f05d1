package dev.bindery.client.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The contract's semantics of each event type, and time-driven expiry of what is retained. */
class RevocationListTest {
  private static final Instant AT = Instant.parse("2026-11-23T10:00:00.500Z");
  private static final Duration RETENTION = Duration.ofSeconds(3600);
  private final RevocationList list = new RevocationList();

  private static RevocationEvent event(RevocationEvent.Type type, String value) {
    return new RevocationEvent(1, type, value, AT);
  }

  @Test
  void tokenEvent_refusesThatJtiOnly() {
    list.apply(event(RevocationEvent.Type.TOKEN, "tok_1"), RETENTION);
    assertThat(list.isRevoked("tok_1", "nhi_a", 0, null, null)).isTrue();
    assertThat(list.isRevoked("tok_2", "nhi_a", 0, null, null)).isFalse();
  }

  @Test
  void certificateThumbprintEvent_refusesEveryTokenBoundToIt() {
    list.apply(event(RevocationEvent.Type.CERTIFICATE_THUMBPRINT, "x5t-A"), RETENTION);
    assertThat(list.isRevoked("tok_1", "nhi_a", 0, "x5t-A", null)).isTrue();
    assertThat(list.isRevoked("tok_2", "nhi_b", 0, "x5t-A", null)).isTrue();
    assertThat(list.isRevoked("tok_3", "nhi_a", 0, "x5t-B", null)).isFalse();
    assertThat(list.isRevoked("tok_4", "nhi_a", 0, null, "x5t-A")).isFalse();
  }

  @Test
  void keyThumbprintEvent_refusesEveryTokenBoundToIt() {
    list.apply(event(RevocationEvent.Type.KEY_THUMBPRINT, "jkt-A"), RETENTION);
    assertThat(list.isRevoked("tok_1", "nhi_a", 0, null, "jkt-A")).isTrue();
    assertThat(list.isRevoked("tok_1", "nhi_a", 0, null, "jkt-B")).isFalse();
  }

  @Test
  void identityEvent_refusesTokensIssuedAtOrBeforeItsTime_only() {
    list.apply(event(RevocationEvent.Type.IDENTITY, "nhi_a"), RETENTION);
    long at = AT.toEpochMilli();
    assertThat(list.isRevoked("tok_1", "nhi_a", at - 60_000, null, null)).isTrue();
    assertThat(list.isRevoked("tok_1", "nhi_a", at, null, null)).isTrue();
    assertThat(list.isRevoked("tok_1", "nhi_a", at + 1, null, null)).isFalse();
    assertThat(list.isRevoked("tok_1", "nhi_b", at - 60_000, null, null)).isFalse();
  }

  @Test
  void identityLockedEvent_refusesTokensIssuedAtOrBeforeItsTimeLikeAnIdentityEvent() {
    list.apply(event(RevocationEvent.Type.IDENTITY_LOCKED, "nhi_a"), RETENTION);
    long at = AT.toEpochMilli();
    assertThat(list.isRevoked("tok_1", "nhi_a", at - 60_000, null, null)).isTrue();
    assertThat(list.isRevoked("tok_1", "nhi_a", at, null, null)).isTrue();
    assertThat(list.isRevoked("tok_1", "nhi_a", at + 1, null, null)).isFalse();
    assertThat(list.isRevoked("tok_1", "nhi_b", at - 60_000, null, null)).isFalse();
    assertThat(RevocationEvent.Type.fromWire("identity_locked")).isEqualTo(RevocationEvent.Type.IDENTITY_LOCKED);
  }

  @Test
  void identityEvents_laterCutoffWins() {
    list.apply(event(RevocationEvent.Type.IDENTITY, "nhi_a"), RETENTION);
    list.apply(new RevocationEvent(2, RevocationEvent.Type.IDENTITY, "nhi_a", AT.plusSeconds(60)), RETENTION);
    list.apply(new RevocationEvent(3, RevocationEvent.Type.IDENTITY, "nhi_a", AT.minusSeconds(60)), RETENTION);
    assertThat(list.isRevoked("t", "nhi_a", AT.plusSeconds(30).toEpochMilli(), null, null)).isTrue();
  }

  @Test
  void purge_dropsEntriesOnlyAfterRetentionPlusSkewAllowance() {
    list.apply(event(RevocationEvent.Type.TOKEN, "tok_1"), RETENTION);
    list.apply(event(RevocationEvent.Type.IDENTITY, "nhi_a"), RETENTION);
    Instant keptUntil = AT.plus(RETENTION).plus(RevocationList.SKEW_ALLOWANCE);

    assertThat(list.purge(keptUntil)).isZero();
    assertThat(list.size()).isEqualTo(2);
    assertThat(list.isRevoked("tok_1", "nhi_b", 0, null, null)).isTrue();

    assertThat(list.purge(keptUntil.plusMillis(1))).isEqualTo(2);
    assertThat(list.size()).isZero();
    assertThat(list.isRevoked("tok_1", "nhi_a", 0, null, null)).isFalse();
  }
}
