package dev.bindery.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A secret value (a token, a TOTP seed). Never prints its content, compares in constant time, and gives its
 * bytes only through {@link #revealBytes()} / {@link #reveal()}, names meant to be easy to find in review.
 */
public final class Secret {
  private final byte[] bytes;

  private Secret(byte[] bytes) {
    this.bytes = bytes.clone();
  }

  public static Secret of(byte[] bytes) {
    return new Secret(bytes);
  }

  public static Secret of(String text) {
    return new Secret(text.getBytes(StandardCharsets.UTF_8));
  }

  public byte[] revealBytes() {
    return bytes.clone();
  }

  public String reveal() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  public boolean equalsConstantTime(Secret other) {
    return MessageDigest.isEqual(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && equalsConstantTime(s);
  }

  @Override
  public int hashCode() {
    return 0;
  }

  @Override
  public String toString() {
    return "Secret[redacted]";
  }

  public void destroy() {
    Arrays.fill(bytes, (byte) 0);
  }
}
