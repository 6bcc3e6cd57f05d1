package dev.bindery.testkit;

import dev.bindery.security.Totp;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/** TOTP helpers for tests of refused codes. */
public final class TestTotp {
  private TestTotp() {}

  /**
   * A six-digit code that none of {@code seeds} accepts at {@code now}: it differs from every code of the
   * steps within {@link Totp#DRIFT_STEPS} of the current one, so a test of a wrong code never passes by chance.
   */
  public static String wrongCode(Instant now, byte[]... seeds) {
    long current = Totp.step(now);
    Set<String> valid = new HashSet<>();
    for (byte[] seed : seeds) {
      for (long s = current - Totp.DRIFT_STEPS; s <= current + Totp.DRIFT_STEPS; s++) {
        valid.add(Totp.standard().code(seed, s));
      }
    }
    for (int n = 0; ; n++) {
      String candidate = String.format("%06d", n * 111_111L % 1_000_000);
      if (!valid.contains(candidate)) {
        return candidate;
      }
    }
  }
}
