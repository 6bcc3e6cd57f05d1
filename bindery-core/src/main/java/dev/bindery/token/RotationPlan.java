package dev.bindery.token;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The one next step that brings the stored keys to the rotation rules at {@code now}, or none. Pure: the
 * {@link KeyRing} applies the step in a transaction, reloads and asks again, so nodes that race converge.
 *
 * <ol>
 *   <li>No key at all: create a current key (the first start of the first node; nothing was ever signed, so it
 *       need not be published first).
 *   <li>A next key but no current one: activate it.
 *   <li>A current key that has been current for the rotation period, and a next key older than the publish lead:
 *       rotate (retire the current key and activate the next one, in one transaction).
 *   <li>No next key: create one.
 *   <li>A retired key past its retention: delete it (it leaves the JWKS).
 * </ol>
 */
final class RotationPlan {
  enum Action { CREATE_CURRENT, ACTIVATE_NEXT, ROTATE, CREATE_NEXT, PURGE }

  /** The step to take: the action and the key it is about (null for the creations). */
  record Step(Action action, StoredSigningKey key) {}

  private RotationPlan() {}

  static Optional<Step> next(List<StoredSigningKey> keys, Instant now, KeyRingSettings settings) {
    StoredSigningKey current = only(keys, SigningKeyState.CURRENT);
    StoredSigningKey next = only(keys, SigningKeyState.NEXT);
    if (current == null && next == null) {
      return Optional.of(new Step(Action.CREATE_CURRENT, null));
    }
    if (current == null) {
      return Optional.of(new Step(Action.ACTIVATE_NEXT, next));
    }
    if (next != null && rotationDue(current, now, settings) && published(next, now, settings)) {
      return Optional.of(new Step(Action.ROTATE, current));
    }
    if (next == null) {
      return Optional.of(new Step(Action.CREATE_NEXT, null));
    }
    return keys.stream()
        .filter(k -> k.state() == SigningKeyState.RETIRED && !retained(k, now, settings))
        .min(Comparator.comparing(StoredSigningKey::retiredAt))
        .map(k -> new Step(Action.PURGE, k));
  }

  static boolean rotationDue(StoredSigningKey current, Instant now, KeyRingSettings settings) {
    return !now.isBefore(current.activatedAt().plus(settings.rotationPeriod()));
  }

  static boolean published(StoredSigningKey next, Instant now, KeyRingSettings settings) {
    return !now.isBefore(next.createdAt().plus(settings.publishLead()));
  }

  /** True while a retired key must stay published. */
  static boolean retained(StoredSigningKey retired, Instant now, KeyRingSettings settings) {
    return now.isBefore(retired.retiredAt().plus(settings.retention()));
  }

  static StoredSigningKey only(List<StoredSigningKey> keys, SigningKeyState state) {
    StoredSigningKey found = null;
    for (StoredSigningKey k : keys) {
      if (k.state() == state) {
        if (found != null) {
          throw new IllegalStateException("the store holds two " + state.wire() + " signing keys");
        }
        found = k;
      }
    }
    return found;
  }
}
