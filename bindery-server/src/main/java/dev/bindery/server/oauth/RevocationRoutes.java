package dev.bindery.server.oauth;

import dev.bindery.oauth.OAuthError;
import dev.bindery.oauth.OAuthEvents;
import dev.bindery.oauth.OAuthException;
import dev.bindery.oauth.ResourceServerCallers;
import dev.bindery.revocation.RevocationEvent;
import dev.bindery.revocation.RevocationFeed;
import dev.bindery.server.http.Access;
import dev.bindery.server.http.Call;
import dev.bindery.server.http.Route;
import dev.bindery.server.tls.ClientCertificates;
import dev.bindery.server.http.Exchange;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /oauth2/revocations?since=&wait=}: the revocation feed for resource servers that verify tokens locally
 * (docs/api.md "Revocation feed"). The caller authenticates as {@link ResourceServerCallers} says; errors are RFC 6749
 * JSON like the other OAuth endpoints.
 */
public final class RevocationRoutes {
  public static final String REVOCATIONS_PATH = "/oauth2/revocations";
  private static final String TAG = "oauth";

  private final RevocationFeed feed;
  private final ResourceServerCallers callers;
  private final OAuthClientCertificates certificates;
  private final OAuthErrors errors = new OAuthErrors(OAuthEvents.NONE);

  public RevocationRoutes(RevocationFeed feed, ResourceServerCallers callers, ClientCertificates certificates) {
    this.feed = Objects.requireNonNull(feed);
    this.callers = Objects.requireNonNull(callers);
    this.certificates = new OAuthClientCertificates(certificates);
  }

  public List<Route> routes() {
    return List.of(Route.get(REVOCATIONS_PATH, "getRevocations").tag(TAG).access(Access.RESOURCE_SERVER)
        .query("since", "integer", "the last seq received (0 at first); events with a greater seq are returned")
        .query("wait", "integer", "seconds (0..30) to hold the request while there is no event after since")
        .summary("Revocation feed: revoked tokens, credential thumbprints and identities, with long polling")
        .errors(errors).handle(this::revocations));
  }

  private void revocations(Call call) {
    authenticate(call.exchange(), callers, certificates);
    long since = parse(call.query("since"), "since");
    long wait = parse(call.query("wait"), "wait");
    RevocationFeed.Page page = feed.read(since, Duration.ofSeconds(wait));
    List<Map<String, Object>> events = page.events().stream().map(RevocationRoutes::event).toList();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("events", events);
    body.put("next_since", page.nextSince());
    body.put("retention_seconds", page.retention().toSeconds());
    OAuthErrors.noStore(call.exchange());
    call.json(200, body);
  }

  private static Map<String, Object> event(RevocationEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", e.seq());
    m.put("type", e.type().wire());
    m.put("value", e.value());
    m.put("at", e.at().toString());
    return m;
  }

  /** An absent parameter is 0; anything but 1 to 18 ASCII digits is refused as {@code invalid_request}. */
  private static long parse(String value, String name) {
    if (value == null || value.isEmpty()) {
      return 0;
    }
    if (!value.matches("[0-9]{1,18}")) {
      throw new OAuthException(OAuthError.INVALID_REQUEST, "bad_" + name,
          name + " must be a non-negative integer");
    }
    return Long.parseLong(value);
  }

  /** The operator token of an {@code Authorization: Bearer} header; null without one. */
  static String bearer(Exchange ex) {
    String header = ex.header("Authorization");
    if (header == null || header.isBlank()) {
      return null;
    }
    if (header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new OAuthException(OAuthError.INVALID_CLIENT,
          "unsupported_authorization_scheme", "use the Bearer scheme with an operator token");
    }
    return header.substring(7).strip();
  }

  /**
   * Authenticates a resource server caller: the operator token when one is sent (the client certificate is then not
   * read, so a forwarded header cannot spoil an operator's call), else the client certificate.
   */
  static ResourceServerCallers.ResourceServerCaller authenticate(Exchange ex, ResourceServerCallers callers,
      OAuthClientCertificates certificates) {
    String operatorToken = bearer(ex);
    return callers.authenticate(operatorToken, operatorToken == null ? certificates.leaf(ex) : null,
        ex.requestId());
  }
}
