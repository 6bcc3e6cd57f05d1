package dev.bindery.server.oauth;

import dev.bindery.common.RejectedException;
import dev.bindery.oauth.OAuthError;
import dev.bindery.oauth.OAuthEvents;
import dev.bindery.oauth.OAuthException;
import dev.bindery.server.http.ErrorRenderer;
import dev.bindery.server.http.Exchange;
import dev.bindery.server.http.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * RFC 6749 section 5.2 error responses for the OAuth endpoints, and the one place where an {@link OAuthError}
 * becomes an HTTP status: {@code invalid_client} is 401, every other error 400, an authority failure 500
 * {@code server_error}. Bodies are {@code {"error","error_description"}}, with {@code Cache-Control: no-store} and
 * {@code Pragma: no-cache}; a description keeps only the characters RFC 6749 allows there (others become
 * {@code ?}).
 *
 * <ul>
 *   <li>{@code invalid_client} for a client that tried the {@code Authorization} header carries a
 *       {@code WWW-Authenticate} challenge of that scheme (RFC 6749 section 5.2); a mutual TLS failure has no HTTP
 *       authentication scheme to challenge with, so it carries none.
 *   <li>{@code use_dpop_nonce} carries the fresh nonce in {@code DPoP-Nonce} (RFC 9449 section 8).
 *   <li>A rejection of the request pipeline (an undeclared query parameter) is {@code invalid_request}.
 * </ul>
 */
public final class OAuthErrors implements ErrorRenderer {
  public static final String CONTENT_TYPE = "application/json";
  private static final Pattern SCHEME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,32}");
  private final OAuthEvents events;

  /**
   * @param events told of every refusal (the token endpoint's metric), or {@link OAuthEvents#NONE}
   */
  public OAuthErrors(OAuthEvents events) {
    this.events = events;
  }

  /** The only mapping from an OAuth error to a status. */
  public static int status(OAuthError error) {
    return error == OAuthError.INVALID_CLIENT ? 401 : 400;
  }

  @Override
  public String refused(Exchange ex, Exception e) {
    OAuthException o;
    if (e instanceof OAuthException oe) {
      o = oe;
    } else if (e instanceof RejectedException r) {
      o = new OAuthException(OAuthError.INVALID_REQUEST, "request_malformed", r.getMessage());
    } else {
      return null;
    }
    events.tokenRefused(o.error(), o.reason());
    if (o.error() == OAuthError.INVALID_CLIENT) {
      String scheme = scheme(ex.header("Authorization"));
      if (scheme != null) {
        ex.header("WWW-Authenticate", scheme + " realm=\"bindery\"");
      }
    }
    if (o.dpopNonce() != null) {
      ex.header("DPoP-Nonce", o.dpopNonce());
    }
    write(ex, status(o.error()), o.error().code(), o.description());
    return o.error().code();
  }

  @Override
  public void failed(Exchange ex) {
    write(ex, 500, "server_error", "the server failed; quote the request id");
  }

  @Override
  public Map<String, Object> openApiResponse() {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("error", Map.of("type", "string"));
    props.put("error_description", Map.of("type", "string"));
    return Map.of("description", "OAuth error (RFC 6749 section 5.2)", "content", Map.of(CONTENT_TYPE,
        Map.of("schema", Map.of("type", "object", "properties", props, "required", List.of("error")))));
  }

  /** The scheme of an Authorization header, if it is a well-formed token; null otherwise. */
  static String scheme(String authorization) {
    if (authorization == null) {
      return null;
    }
    String s = authorization.strip();
    int space = s.indexOf(' ');
    String scheme = space < 0 ? s : s.substring(0, space);
    return SCHEME.matcher(scheme).matches() ? scheme : null;
  }

  static void noStore(Exchange ex) {
    ex.header("Cache-Control", "no-store");
    ex.header("Pragma", "no-cache");
  }

  private static void write(Exchange ex, int status, String error, String description) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error);
    body.put("error_description", description.replaceAll("[^\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]", "?"));
    noStore(ex);
    ex.respond(status, CONTENT_TYPE, Json.bytes(body));
  }
}
