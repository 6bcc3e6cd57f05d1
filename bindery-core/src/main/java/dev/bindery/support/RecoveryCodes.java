package dev.bindery.support;

import dev.bindery.common.RandomIds;
import dev.bindery.common.Secret;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The recovery code format: {@code bnd_rc_} and 80 random bits in lowercase base32 (16 characters), short enough to
 * be written down, long enough that its unsalted SHA-256 cannot be reversed and guessing one is hopeless (NIST SP
 * 800-63B-4 requires at least 64 bits for saved recovery codes). Sets of {@link #SET_SIZE}.
 */
public final class RecoveryCodes {
  public static final String PREFIX = "bnd_rc_";
  public static final int RANDOM_BYTES = 10;
  public static final int ENCODED_LENGTH = 16;
  public static final int SET_SIZE = 10;

  private RecoveryCodes() {}

  public static Secret generate(SecureRandom random) {
    byte[] raw = new byte[RANDOM_BYTES];
    random.nextBytes(raw);
    try {
      return Secret.of(PREFIX + RandomIds.base32(raw));
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /** True if {@code value} has the shape of a recovery code (says nothing about whether it exists). */
  public static boolean wellFormed(String value) {
    if (value == null || value.length() != PREFIX.length() + ENCODED_LENGTH || !value.startsWith(PREFIX)) {
      return false;
    }
    for (int i = PREFIX.length(); i < value.length(); i++) {
      char c = value.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
        return false;
      }
    }
    return true;
  }
}
