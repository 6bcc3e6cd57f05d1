package dev.bindery.oauth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Server-provided DPoP nonces (RFC 9449 section 8) that any Bindery node can check without shared state: a nonce is
 * a time window number stamped with an HMAC-SHA-256 under a key every node derives from the master key. A nonce is
 * valid in its window and the next one, so it lives between one and two {@code window}s.
 *
 * <p>Format: base64url (no padding) of the 8-byte big-endian window number followed by the first 16 bytes of
 * HMAC(key, "bindery dpop nonce" || window). Compared in constant time.
 */
public final class DpopNonces {
  private static final byte[] LABEL = "bindery dpop nonce".getBytes(StandardCharsets.US_ASCII);
  private static final int MAC_BYTES = 16;
  private final SecretKeySpec key;
  private final long windowSeconds;
  private final Clock clock;

  /**
   * @param key at least 32 bytes, the same on every node (derived from the master key)
   */
  public DpopNonces(byte[] key, Duration window, Clock clock) {
    if (key.length < 32) {
      throw new IllegalArgumentException("the nonce key has at least 32 bytes");
    }
    if (window.toSeconds() < 1) {
      throw new IllegalArgumentException("the nonce window is at least one second");
    }
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    this.windowSeconds = window.toSeconds();
    this.clock = Objects.requireNonNull(clock);
  }

  /** A nonce of the current window. */
  public String current() {
    long window = window();
    byte[] out = ByteBuffer.allocate(8 + MAC_BYTES).putLong(window).put(mac(window)).array();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
  }

  /** True if {@code nonce} was made by a node of this deployment in the current or the previous window. */
  public boolean valid(String nonce) {
    if (nonce == null || nonce.length() != 32) {
      return false;
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(nonce);
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (raw.length != 8 + MAC_BYTES) {
      return false;
    }
    long window = ByteBuffer.wrap(raw, 0, 8).getLong();
    long now = window();
    if (window != now && window != now - 1) {
      return false;
    }
    return MessageDigest.isEqual(mac(window), Arrays.copyOfRange(raw, 8, raw.length));
  }

  private long window() {
    return Math.floorDiv(clock.instant().getEpochSecond(), windowSeconds);
  }

  private byte[] mac(long window) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(LABEL);
      mac.update(ByteBuffer.allocate(8).putLong(window).array());
      return Arrays.copyOf(mac.doFinal(), MAC_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
