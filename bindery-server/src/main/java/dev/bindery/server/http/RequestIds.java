package dev.bindery.server.http;

import dev.bindery.common.RandomIds;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * The request id: the client's {@code X-Request-Id} if it is a safe token ({@code [A-Za-z0-9._-]{1,64}}, so it
 * cannot inject anything into logs), otherwise a generated one.
 */
public final class RequestIds {
  public static final String HEADER = "X-Request-Id";
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private RequestIds() {}

  static String choose(String presented) {
    if (presented != null && VALID.matcher(presented).matches()) {
      return presented;
    }
    byte[] b = new byte[10];
    RANDOM.nextBytes(b);
    return "req_" + RandomIds.base32(b);
  }

  public static String current(Context ctx) {
    String id = ctx.attribute(Attributes.REQUEST_ID);
    return id == null ? "" : id;
  }
}
