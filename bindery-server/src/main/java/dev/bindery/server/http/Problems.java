package dev.bindery.server.http;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RateLimitedException;
import dev.bindery.common.RejectedException;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * RFC 9457 problem responses, and the one place where a rejection's category becomes an HTTP status. Every
 * error the API returns goes through {@link #write}; its {@code detail} is the rejection's caller-safe message,
 * never an exception's internals.
 */
public final class Problems {
  public static final String CONTENT_TYPE = "application/problem+json";
  public static final String TYPE_PREFIX = "https://bindery.dev/problems/";

  /** Codes that exist only at the HTTP edge: the core never raises them. */
  public static final String METHOD_NOT_ALLOWED = "method_not_allowed";
  public static final String SERVER_ERROR = "server_error";

  private Problems() {}

  /** The only mapping from a rejection category to a status. */
  public static int status(ErrorCode.Category category) {
    return switch (category) {
      case INVALID -> 400;
      case UNPROCESSABLE -> 422;
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case PRECONDITION_REQUIRED -> 428;
      case TOO_LARGE -> 413;
      case UNSUPPORTED_MEDIA -> 415;
      case TOO_MANY_REQUESTS -> 429;
    };
  }

  static String title(int status) {
    return switch (status) {
      case 400 -> "Invalid request";
      case 401 -> "Unauthenticated";
      case 403 -> "Forbidden";
      case 404 -> "Not found";
      case 405 -> "Method not allowed";
      case 409 -> "Conflict";
      case 413 -> "Content too large";
      case 415 -> "Unsupported media type";
      case 422 -> "Unprocessable content";
      case 428 -> "Precondition required";
      case 429 -> "Too many requests";
      default -> "Internal server error";
    };
  }

  public static void write(Context ctx, RejectedException e) {
    int status = status(e.code().category());
    if (status == 401 && bearerChallenge(ctx)) {
      // RFC 6750 section 3: a missing token gets the bare challenge; a presented but unusable one says so.
      ctx.header("WWW-Authenticate",
          e.code() == ErrorCode.UNAUTHENTICATED ? "Bearer" : "Bearer error=\"invalid_token\"");
    }
    if (e instanceof RateLimitedException limited) {
      ctx.header("Retry-After", Long.toString(limited.retryAfterSeconds()));
    }
    write(ctx, status, e.code().code(), e.getMessage(), e.field());
  }

  /**
   * True unless the route is authenticated by something other than an operator token. The workload routes
   * ({@link Access#ENROLMENT_CODE}: a code in the body; {@link Access#WORKLOAD_CERTIFICATE}: the certificate of
   * the TLS handshake) use no HTTP authentication scheme at all, so their 401s carry no challenge: a Bearer one
   * would tell the workload to send a token it does not have and the route would not read. (The OAuth routes,
   * also without an operator token, render their own RFC 6749 errors and challenges.)
   */
  private static boolean bearerChallenge(Context ctx) {
    Access access = ctx.attribute(Attributes.ACCESS);
    return access == null || access.operatorToken();
  }

  public static void write(Context ctx, int status, String code, String detail, String field) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", TYPE_PREFIX + code);
    body.put("title", title(status));
    body.put("status", status);
    body.put("detail", detail);
    body.put("code", code);
    if (field != null) {
      body.put("field", field);
    }
    body.put("request_id", RequestIds.current(ctx));
    ctx.attribute(Attributes.ERROR_CODE, code);
    ctx.status(status).contentType(CONTENT_TYPE).result(Json.bytes(body));
  }
}
