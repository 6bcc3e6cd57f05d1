package dev.bindery.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.token.RotationPlan.Action;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rotation rules as a pure decision over the stored keys and the time. */
class RotationPlanTest {
  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  /** Rotation 1 h; publish lead 60 + 30 + 60 = 150 s; tokens at most 10 min, so retention 600 + 30 + 60 = 690 s. */
  static final KeyRingSettings SETTINGS = KeyRingSettings.of(Duration.ofHours(1), Duration.ofMinutes(10));

  static StoredSigningKey key(String kid, SigningKeyState state, Instant created) {
    return StoredSigningKey.created(kid, "ES256", state, "{}", new byte[] {1}, created);
  }

  static Optional<Action> step(List<StoredSigningKey> keys, Instant now) {
    return RotationPlan.next(keys, now, SETTINGS).map(RotationPlan.Step::action);
  }

  @Test
  void settings_publishLeadAndRetention() {
    assertThat(SETTINGS.publishLead()).isEqualTo(Duration.ofSeconds(150));
    assertThat(SETTINGS.retention()).isEqualTo(Duration.ofSeconds(690));
  }

  @Test
  void next_emptyStore_createCurrent() {
    assertThat(step(List.of(), T0)).contains(Action.CREATE_CURRENT);
  }

  @Test
  void next_onlyANextKey_activateIt() {
    assertThat(step(List.of(key("n", SigningKeyState.NEXT, T0)), T0)).contains(Action.ACTIVATE_NEXT);
  }

  @Test
  void next_currentWithoutNext_createNext() {
    assertThat(step(List.of(key("c", SigningKeyState.CURRENT, T0)), T0)).contains(Action.CREATE_NEXT);
  }

  @Test
  void next_rotationNotDue_nothing() {
    List<StoredSigningKey> keys = List.of(key("c", SigningKeyState.CURRENT, T0), key("n", SigningKeyState.NEXT, T0));
    assertThat(step(keys, T0.plus(Duration.ofHours(1)).minusSeconds(1))).isEmpty();
    assertThat(step(keys, T0.plus(Duration.ofHours(1)))).contains(Action.ROTATE);
  }

  @Test
  void next_rotationDueButNextNotPublishedLongEnough_waitsForThePublishLead() {
    Instant due = T0.plus(Duration.ofHours(1));
    Instant nextCreated = due.minusSeconds(100);
    List<StoredSigningKey> keys = List.of(key("c", SigningKeyState.CURRENT, T0),
        key("n", SigningKeyState.NEXT, nextCreated));

    assertThat(step(keys, due)).as("published 100 s < 150 s").isEmpty();
    assertThat(step(keys, nextCreated.plusSeconds(149))).isEmpty();
    assertThat(step(keys, nextCreated.plusSeconds(150))).contains(Action.ROTATE);
  }

  @Test
  void next_retiredKeyPastItsRetention_purgedOnlyThen() {
    StoredSigningKey current = key("c", SigningKeyState.CURRENT, T0);
    Instant retiredAt = T0.plusSeconds(10);
    StoredSigningKey retired = current.retire(retiredAt);
    List<StoredSigningKey> keys = List.of(retired, key("c2", SigningKeyState.CURRENT, T0),
        key("n", SigningKeyState.NEXT, T0));

    assertThat(step(keys, retiredAt.plusSeconds(689))).isEmpty();
    Optional<RotationPlan.Step> purge = RotationPlan.next(keys, retiredAt.plusSeconds(690), SETTINGS);
    assertThat(purge).map(RotationPlan.Step::action).contains(Action.PURGE);
    assertThat(purge.get().key().kid()).isEqualTo("c");
  }

  @Test
  void next_twoCurrentKeys_refusesToDecide() {
    List<StoredSigningKey> keys = List.of(key("a", SigningKeyState.CURRENT, T0), key("b", SigningKeyState.CURRENT, T0));
    assertThatThrownBy(() -> RotationPlan.next(keys, T0, SETTINGS)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void storedSigningKey_transitions_keepTheInvariants() {
    StoredSigningKey next = key("n", SigningKeyState.NEXT, T0);
    StoredSigningKey current = next.activate(T0.plusSeconds(5));
    StoredSigningKey retired = current.retire(T0.plusSeconds(9));

    assertThat(current.activatedAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(current.version()).isEqualTo(2);
    assertThat(retired.sealedPrivateKey()).isNull();
    assertThat(retired.retiredAt()).isEqualTo(T0.plusSeconds(9));
    assertThatThrownBy(() -> next.retire(T0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> current.activate(T0)).isInstanceOf(IllegalStateException.class);
    assertThat(retired.toString()).doesNotContain("[B@");
  }
}
