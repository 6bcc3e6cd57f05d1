package dev.bindery.server.http;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque paging cursors: the store's keyset position, versioned and base64url-encoded, so clients cannot build
 * or depend on them and the encoding can change.
 */
final class Cursors {
  private static final String PREFIX = "c1:";

  private Cursors() {}

  static String encode(String position) {
    return position == null ? null
        : Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + position).getBytes(StandardCharsets.UTF_8));
  }

  static String decode(String cursor) {
    if (cursor == null) {
      return null;
    }
    try {
      String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (s.startsWith(PREFIX) && s.length() > PREFIX.length()) {
        return s.substring(PREFIX.length());
      }
    } catch (IllegalArgumentException e) {
      // refused below
    }
    throw new RejectedException(ErrorCode.INVALID_CURSOR, "cursor is not one this server returned", "cursor");
  }

  static long decodeSeq(String cursor) {
    String s = decode(cursor);
    if (s == null) {
      return 0;
    }
    try {
      long n = Long.parseLong(s);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new RejectedException(ErrorCode.INVALID_CURSOR, "cursor is not one this server returned", "cursor");
  }
}
