package dev.bindery.credential;

import dev.bindery.common.RandomIds;
import dev.bindery.common.Secret;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The API key format, made for secret scanners:
 *
 * <pre>
 *   bnd_ak_ | 52 characters: 32 random bytes, lowercase base32 (RFC 4648 alphabet, no padding)
 *           | 7 characters: CRC-32 (IEEE 802.3, as java.util.zip.CRC32) of those 52 ASCII characters,
 *             as 4 big-endian bytes in the same base32
 * </pre>
 *
 * 66 characters in all, matched by {@code bnd_ak_[a-z2-7]{59}}. The checksum lets a scanner (and Bindery) tell a
 * real key from a mistyped or made-up one without asking anybody: Bindery refuses a key whose checksum does
 * not match before it looks anything up. The first {@value #DISPLAY_PREFIX_LENGTH} characters are shown as the
 * key's display prefix; they reveal 25 of the 256 random bits.
 */
public final class ApiKeys {
  public static final String PREFIX = "bnd_ak_";
  public static final int RANDOM_CHARS = 52;
  public static final int CHECKSUM_CHARS = 7;
  public static final int LENGTH = PREFIX.length() + RANDOM_CHARS + CHECKSUM_CHARS;
  public static final int DISPLAY_PREFIX_LENGTH = 12;
  private static final Pattern FORMAT = Pattern.compile(Pattern.quote(PREFIX) + "[a-z2-7]{59}");

  private ApiKeys() {}

  public static Secret generate(SecureRandom random) {
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    String body = RandomIds.base32(raw);
    return Secret.of(PREFIX + body + checksum(body));
  }

  /** The 7-character checksum of the 52-character random part. */
  public static String checksum(String randomPart) {
    CRC32 crc = new CRC32();
    crc.update(randomPart.getBytes(StandardCharsets.US_ASCII));
    long v = crc.getValue();
    return RandomIds.base32(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
  }

  /** True if {@code value} has the API key shape and its checksum matches. */
  public static boolean valid(String value) {
    if (value == null || value.length() != LENGTH || !FORMAT.matcher(value).matches()) {
      return false;
    }
    String body = value.substring(PREFIX.length(), PREFIX.length() + RANDOM_CHARS);
    return checksum(body).equals(value.substring(PREFIX.length() + RANDOM_CHARS));
  }

  /** The part of a key that may be shown after issuance, for example {@code bnd_ak_abcde}. */
  public static String displayPrefix(String value) {
    return value.substring(0, DISPLAY_PREFIX_LENGTH);
  }
}
