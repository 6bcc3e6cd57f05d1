package dev.bindery.server.oauth;

import dev.bindery.oauth.OAuthError;
import dev.bindery.oauth.OAuthException;
import dev.bindery.server.http.Exchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A request body of {@code application/x-www-form-urlencoded} parameters (RFC 6749 appendix B), read strictly;
 * every failure is {@code invalid_request}:
 *
 * <ul>
 *   <li>the media type must be {@code application/x-www-form-urlencoded} (a {@code charset} parameter, if any,
 *       UTF-8);
 *   <li>at most {@code maxBytes} bytes (checked on the declared length and again while reading) and
 *       {@value #MAX_PARAMETERS} parameters;
 *   <li>percent-encoding well formed, names not empty, names and values valid UTF-8;
 *   <li>no parameter more than once (RFC 6749 section 3.2), except those declared repeatable (RFC 8707
 *       {@code resource}).
 * </ul>
 * A parameter sent without a value is treated as omitted (RFC 6749 section 3.1). Unknown parameters are kept and
 * ignored by the caller. Error messages never echo a value, and a name only if it is plainly safe.
 */
public final class FormBody {
  public static final String MEDIA_TYPE = "application/x-www-form-urlencoded";
  public static final int MAX_PARAMETERS = 64;
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private final Map<String, List<String>> values;

  private FormBody(Map<String, List<String>> values) {
    this.values = values;
  }

  /** Reads and parses the request body; {@code repeatable} names may occur several times. */
  public static FormBody read(Exchange ex, int maxBytes, Set<String> repeatable) {
    requireMediaType(ex.header("Content-Type"));
    return parse(readLimited(ex, maxBytes), repeatable);
  }

  static FormBody parse(byte[] body, Set<String> repeatable) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (body.length == 0) {
      return new FormBody(out);
    }
    String text = new String(body, StandardCharsets.ISO_8859_1); // bytes as chars; decoded as UTF-8 below
    int count = 0;
    for (String pair : text.split("&", -1)) {
      if (pair.isEmpty()) {
        continue; // "a=1&&b=2" or a trailing '&'
      }
      if (++count > MAX_PARAMETERS) {
        throw invalid("the form has more than " + MAX_PARAMETERS + " parameters");
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (name.isEmpty()) {
        throw invalid("a form parameter has no name");
      }
      List<String> list = out.computeIfAbsent(name, n -> new ArrayList<>(1));
      if (!list.isEmpty() && !repeatable.contains(name)) {
        throw new OAuthException(OAuthError.INVALID_REQUEST, "parameter_repeated",
            "parameter " + safe(name) + " is repeated; send each parameter once");
      }
      list.add(value);
    }
    return new FormBody(out);
  }

  /** The value of a parameter sent once, or null when it is absent or empty. */
  public String get(String name) {
    List<String> list = values.get(name);
    if (list == null || list.isEmpty() || list.get(0).isEmpty()) {
      return null;
    }
    return list.get(0);
  }

  /** Every non-empty value of a repeatable parameter, in order. */
  public List<String> all(String name) {
    List<String> list = values.get(name);
    return list == null ? List.of() : list.stream().filter(v -> !v.isEmpty()).toList();
  }

  /** True if the parameter was sent with a value. */
  public boolean has(String name) {
    return get(name) != null || !all(name).isEmpty();
  }

  private static void requireMediaType(String contentType) {
    if (contentType != null) {
      String[] parts = contentType.split(";");
      if (parts[0].strip().toLowerCase(Locale.ROOT).equals(MEDIA_TYPE)) {
        boolean ok = true;
        for (int i = 1; i < parts.length; i++) {
          String p = parts[i].strip().toLowerCase(Locale.ROOT);
          if (p.startsWith("charset=") && !p.equals("charset=utf-8") && !p.equals("charset=\"utf-8\"")) {
            ok = false;
          }
        }
        if (ok) {
          return;
        }
      }
    }
    throw new OAuthException(OAuthError.INVALID_REQUEST, "content_type",
        "send the request body as " + MEDIA_TYPE + " (utf-8)");
  }

  private static byte[] readLimited(Exchange ex, int maxBytes) {
    long declared = ex.contentLength();
    if (declared > maxBytes) {
      ex.drainBody(); // a body only a little too large is read and dropped; a larger one is refused unread
      throw tooLarge(maxBytes);
    }
    try (InputStream in = ex.body()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.max(declared, 256), maxBytes));
      byte[] buf = new byte[4096];
      long total = 0;
      int n;
      while ((n = in.read(buf)) != -1) {
        total += n;
        if (total > maxBytes) {
          throw tooLarge(maxBytes);
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw invalid("the request body could not be read completely");
    }
  }

  /** Percent-decoding with '+' as space; the octets are then decoded as UTF-8, strictly. */
  private static String decode(String s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '+') {
        bytes.write(' ');
      } else if (c == '%') {
        if (i + 2 >= s.length()) {
          throw invalid("the form has a malformed percent-encoding");
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw invalid("the form has a malformed percent-encoding");
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else {
        bytes.write(c); // an ISO-8859-1 char is exactly one input byte
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw invalid("the form is not valid utf-8");
    }
  }

  private static String safe(String name) {
    return SAFE_NAME.matcher(name).matches() ? "'" + name + "'" : "(name not shown)";
  }

  private static OAuthException tooLarge(int maxBytes) {
    return new OAuthException(OAuthError.INVALID_REQUEST, "body_too_large",
        "the request body exceeds " + maxBytes + " bytes");
  }

  private static OAuthException invalid(String description) {
    return new OAuthException(OAuthError.INVALID_REQUEST, "form_malformed", description);
  }
}
