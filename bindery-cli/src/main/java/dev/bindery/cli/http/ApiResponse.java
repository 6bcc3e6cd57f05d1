package dev.bindery.cli.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A successful (2xx) answer from the API. */
public record ApiResponse(int status, String body, Optional<String> etag, Optional<String> requestId) {
  private static final Pattern ETAG_VERSION = Pattern.compile("^(?:W/)?\"(\\d{1,18})\"$");

  /** The body as JSON; an empty body (204) is an empty object. */
  public JsonNode json() {
    if (body == null || body.isEmpty()) {
      return Json.object();
    }
    try {
      return Json.parse(body);
    } catch (IllegalArgumentException e) {
      throw new ContractViolation("the server answered " + status + " with a body that is not JSON");
    }
  }

  /** The resource version carried by the {@code ETag: "<version>"} header. */
  public long etagVersion() {
    String tag = etag.orElseThrow(() -> new ContractViolation("the server sent no ETag with the resource"));
    Matcher m = ETAG_VERSION.matcher(tag.trim());
    if (!m.matches()) {
      throw new ContractViolation("the server sent an ETag that is not a version: " + tag);
    }
    return Long.parseLong(m.group(1));
  }
}
