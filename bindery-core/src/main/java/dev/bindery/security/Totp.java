package dev.bindery.security;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * TOTP (RFC 6238) over HOTP (RFC 4226): 30-second steps from the Unix epoch, HMAC-SHA1 by default, 6 digits.
 * {@link #verify} accepts the current step and one step either side and returns the matched step, so the
 * caller can refuse any step at or below the last one used (replay).
 */
public final class Totp {
  public static final int STEP_SECONDS = 30;
  public static final int DRIFT_STEPS = 1;

  private final String hmacAlgorithm;
  private final int digits;

  public Totp(String hmacAlgorithm, int digits) {
    if (digits < 6 || digits > 8) {
      throw new IllegalArgumentException("digits must be 6-8");
    }
    this.hmacAlgorithm = hmacAlgorithm;
    this.digits = digits;
  }

  public static Totp standard() {
    return new Totp("HmacSHA1", 6);
  }

  public static long step(Instant t) {
    return Math.floorDiv(t.getEpochSecond(), STEP_SECONDS);
  }

  public String code(byte[] seed, long step) {
    try {
      Mac mac = Mac.getInstance(hmacAlgorithm);
      mac.init(new SecretKeySpec(seed, "RAW"));
      byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
      int offset = h[h.length - 1] & 0xf;
      int binary = ((h[offset] & 0x7f) << 24) | ((h[offset + 1] & 0xff) << 16) | ((h[offset + 2] & 0xff) << 8)
          | (h[offset + 3] & 0xff);
      int mod = 1;
      for (int i = 0; i < digits; i++) {
        mod *= 10;
      }
      String s = Integer.toString(binary % mod);
      return "0".repeat(digits - s.length()) + s;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(hmacAlgorithm + " unavailable", e);
    }
  }

  /** The step whose code equals {@code code} within the drift window around {@code now}, or -1. */
  public long verify(byte[] seed, String code, Instant now) {
    if (code == null || code.length() != digits || !code.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    long current = step(now);
    long matched = -1;
    byte[] given = code.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (long s = current - DRIFT_STEPS; s <= current + DRIFT_STEPS; s++) {
      byte[] expected = code(seed, s).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      if (MessageDigest.isEqual(expected, given) && matched < 0) {
        matched = s; // keep scanning so timing does not depend on which step matched
      }
    }
    return matched;
  }
}
