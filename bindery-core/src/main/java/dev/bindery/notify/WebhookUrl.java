package dev.bindery.notify;

import dev.bindery.common.RejectedException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a webhook's notifications are posted. Always an absolute {@code https} URL with a host, no user info and no
 * fragment, at most {@link #MAX_LENGTH} characters of printable ASCII. Plain {@code http} is possible only to a
 * loopback host ({@code localhost}, {@code 127.0.0.0/8} or {@code [::1]}, never resolved through DNS) and, at
 * registration, only where the server explicitly allows it ({@code bindery.notify.allow-loopback-http}, for tests
 * and local development): notifications carry disavow links, which must not cross a network in clear text.
 *
 * <p>A webhook URL is often a capability (a path with a secret in it), so it is shown only to the team that
 * registered it and to operators who may read webhooks; audit details and logs carry {@link #origin()} and a hash.
 */
public record WebhookUrl(String value) {
  public static final int MAX_LENGTH = 2048;
  private static final Pattern PRINTABLE_ASCII = Pattern.compile("[\\x21-\\x7e]+");
  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}");

  /** Checks the structure; the loopback exception for {@code http} is allowed here (a stored URL stays readable). */
  public WebhookUrl {
    check(value, true);
  }

  /**
   * Validates a URL given by a caller. {@code allowLoopbackHttp} false (the default of every server) refuses
   * {@code http} entirely.
   *
   * @throws RejectedException {@code missing_field} or {@code invalid_field} naming {@code url}, saying what is wrong
   */
  public static WebhookUrl parse(String text, boolean allowLoopbackHttp) {
    check(text, allowLoopbackHttp);
    return new WebhookUrl(text);
  }

  /** Scheme, host and port, without path or query: what logs and audit details show. */
  public String origin() {
    URI u = URI.create(value);
    return u.getScheme().toLowerCase(Locale.ROOT) + "://" + u.getHost().toLowerCase(Locale.ROOT)
        + (u.getPort() == -1 ? "" : ":" + u.getPort());
  }

  public URI uri() {
    return URI.create(value);
  }

  @Override
  public String toString() {
    return origin() + "/...";
  }

  private static void check(String text, boolean allowLoopbackHttp) {
    if (text == null || text.isBlank()) {
      throw RejectedException.missing("url");
    }
    if (text.length() > MAX_LENGTH) {
      throw invalid("'url' must be at most " + MAX_LENGTH + " characters");
    }
    if (!PRINTABLE_ASCII.matcher(text).matches()) {
      throw invalid("'url' must be printable ASCII without spaces (percent-encode anything else)");
    }
    URI u;
    try {
      u = new URI(text);
    } catch (URISyntaxException e) {
      throw invalid("'url' is not a valid URL");
    }
    if (!u.isAbsolute() || u.isOpaque()) {
      throw invalid("'url' must be an absolute https URL");
    }
    String scheme = u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw invalid("'url' must be an https URL, not " + scheme + ":");
    }
    if (u.getRawUserInfo() != null) {
      throw invalid("'url' must not contain user info (user:password@)");
    }
    if (u.getRawFragment() != null) {
      throw invalid("'url' must not contain a fragment");
    }
    if (u.getHost() == null || u.getHost().isEmpty()) {
      throw invalid("'url' must name a host");
    }
    if (u.getPort() == 0 || u.getPort() > 65535) {
      throw invalid("'url' has an invalid port");
    }
    if (scheme.equals("http") && !(allowLoopbackHttp && loopback(u.getHost()))) {
      throw invalid(allowLoopbackHttp ? "'url' must use https; http is allowed only to a loopback address"
          : "'url' must use https");
    }
  }

  /** A loopback host written literally; names other than {@code localhost} are never resolved. */
  static boolean loopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.equals("[::1]") || IPV4_LOOPBACK.matcher(h).matches();
  }

  private static RejectedException invalid(String message) {
    return RejectedException.invalid("url", message);
  }
}
