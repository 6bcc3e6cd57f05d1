package dev.bindery.notify;

import dev.bindery.common.Secret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A secret for the owners, carried by a notification (docs/support-desk.md): its {@link SecretKind} and its values
 * (one, or a list for {@link SecretKind#RECOVERY_CODES}). Each value is 1 to 200 printable ASCII characters (the
 * codes Bindery generates), so the encoded form (values joined by newlines) is unambiguous. Sealed into each outbox
 * row under the master key and opened only to build the body of a delivery.
 *
 * <p>Not a record: never prints or compares its values; {@link #destroy()} zeroes them.
 */
public final class SecretPayload {
  public static final int MAX_VALUES = 32;
  public static final int MAX_VALUE_LENGTH = 200;

  private final SecretKind kind;
  private final List<Secret> values;

  private SecretPayload(SecretKind kind, List<Secret> values) {
    this.kind = Objects.requireNonNull(kind, "kind");
    if (values.isEmpty() || values.size() > MAX_VALUES || (!kind.list() && values.size() != 1)) {
      throw new IllegalArgumentException(kind.wire() + " carries " + (kind.list() ? "1 to " + MAX_VALUES : "one")
          + " value(s)");
    }
    for (Secret v : values) {
      byte[] b = v.revealBytes();
      try {
        if (b.length == 0 || b.length > MAX_VALUE_LENGTH) {
          throw new IllegalArgumentException("a secret value is 1 to " + MAX_VALUE_LENGTH + " characters");
        }
        for (byte c : b) {
          if (c < 0x21 || c > 0x7e) {
            throw new IllegalArgumentException("a secret value is printable ascii without spaces");
          }
        }
      } finally {
        Arrays.fill(b, (byte) 0);
      }
    }
    this.values = List.copyOf(values);
  }

  public static SecretPayload of(SecretKind kind, List<Secret> values) {
    return new SecretPayload(kind, List.copyOf(values));
  }

  public static SecretPayload of(SecretKind kind, Secret value) {
    return new SecretPayload(kind, List.of(value));
  }

  public SecretKind kind() {
    return kind;
  }

  /** The values, in order; reveal them only to build a delivery's body. */
  public List<Secret> values() {
    return values;
  }

  /** The values joined by newlines, as sealed. The caller zeroes the array. */
  byte[] encode() {
    StringBuilder joined = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        joined.append('\n');
      }
      joined.append(values.get(i).reveal());
    }
    byte[] out = joined.toString().getBytes(StandardCharsets.US_ASCII);
    joined.setLength(0);
    return out;
  }

  /** The payload {@link #encode()} made, as opened from its sealed form. */
  static SecretPayload decode(SecretKind kind, byte[] encoded) {
    List<Secret> values = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= encoded.length; i++) {
      if (i == encoded.length || encoded[i] == '\n') {
        values.add(Secret.of(Arrays.copyOfRange(encoded, start, i)));
        start = i + 1;
      }
    }
    return new SecretPayload(kind, values);
  }

  public void destroy() {
    values.forEach(Secret::destroy);
  }

  @Override
  public String toString() {
    return "SecretPayload[" + kind.wire() + ", redacted]";
  }
}
