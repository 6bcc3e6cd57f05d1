package dev.bindery.server.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Generates the OpenAPI 3.1 document from the route table, the same list the handlers are registered from. Body
 * schemas come from each route's {@link BodySpec}, with {@code additionalProperties: false} because unknown fields
 * are refused.
 */
public final class OpenApi {
  private OpenApi() {}

  public static Map<String, Object> document(List<Route> routes, String version) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("openapi", "3.1.0");
    doc.put("info", Map.of("title", "Bindery API", "version", version,
        "description", "An authority for machine identities. Errors are RFC 9457 problem documents, except on the "
            + "OAuth endpoints (/oauth2/*, /.well-known/oauth-authorization-server): RFC 6749 error responses."));
    Map<String, Map<String, Object>> paths = new TreeMap<>();
    for (Route r : routes) {
      paths.computeIfAbsent(r.path(), p -> new LinkedHashMap<>())
          .put(r.method().name().toLowerCase(Locale.ROOT), operation(r));
    }
    doc.put("paths", paths);
    Map<String, Object> components = new LinkedHashMap<>();
    components.put("securitySchemes", Map.of(
        "operatorToken", Map.of("type", "http", "scheme", "bearer", "description", "operator API token, bnd_op_..."),
        "workloadCertificate", Map.of("type", "mutualTLS",
            "description", "the workload's current X.509-SVID, presented in the TLS handshake"),
        "oauthClientCertificate", Map.of("type", "mutualTLS",
            "description", "an OAuth client's certificate: a Bindery X.509-SVID (tls_client_auth) or a registered "
                + "self-signed certificate (self_signed_tls_client_auth)")));
    components.put("schemas", Map.of("Problem", problemSchema()));
    doc.put("components", components);
    return doc;
  }

  private static Map<String, Object> operation(Route r) {
    Map<String, Object> op = new LinkedHashMap<>();
    op.put("operationId", r.operationId());
    op.put("summary", r.summary());
    if (!r.tag().isEmpty()) {
      op.put("tags", List.of(r.tag()));
    }
    op.put("security", security(r.access()));
    op.put("x-bindery-access", r.access().description());
    List<Object> params = new ArrayList<>();
    for (String p : r.pathParams()) {
      params.add(Map.of("name", p, "in", "path", "required", true, "schema", Map.of("type", "string")));
    }
    for (Route.QueryParam q : r.query()) {
      params.add(Map.of("name", q.name(), "in", "query", "required", false, "description", q.description(),
          "schema", Map.of("type", q.type())));
    }
    // the routes that change an existing identity or operator: a body with "version", or a bodyless DELETE
    boolean versioned = r.body() != null ? r.body().byName().containsKey("version")
        : r.method().name().equals("DELETE");
    if (versioned) {
      params.add(Map.of("name", "If-Match", "in", "header", "required", false,
          "description", "the ETag read, for changes to an existing identity or operator",
          "schema", Map.of("type", "string")));
    }
    if (!params.isEmpty()) {
      op.put("parameters", params);
    }
    if (r.body() != null) {
      op.put("requestBody", Map.of("required", r.body().anyRequired(),
          "content", Map.of("application/json", Map.of("schema", schema(r.body())))));
    }
    if (r.rawBodyType() != null) {
      op.put("requestBody", Map.of("required", true,
          "content", Map.of(r.rawBodyType(), Map.of("schema", Map.of("type", "string", "format", "binary")))));
    }
    Map<String, Object> responses = new LinkedHashMap<>();
    Map<String, Object> ok = new LinkedHashMap<>();
    ok.put("description", "success");
    if (r.status() != 204) {
      ok.put("content", Map.of(r.responseType(), Map.of("schema", Map.of())));
    }
    responses.put(Integer.toString(r.status()), ok);
    responses.put("default", r.errors() != null ? r.errors().openApiResponse() : Map.of("description", "problem",
        "content", Map.of(Problems.CONTENT_TYPE, Map.of("schema", Map.of("$ref", "#/components/schemas/Problem")))));
    op.put("responses", responses);
    return op;
  }

  private static List<Object> security(Access access) {
    if (access.operatorToken()) {
      return List.of(Map.of("operatorToken", List.of()));
    }
    return switch (access) {
      case WORKLOAD_CERTIFICATE -> List.of(Map.of("workloadCertificate", List.of()));
      case OAUTH_CLIENT -> List.of(Map.of("oauthClientCertificate", List.of()));
      default -> List.of();
    };
  }

  private static Map<String, Object> schema(BodySpec spec) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("type", "object");
    Map<String, Object> props = new LinkedHashMap<>();
    List<String> required = new ArrayList<>();
    for (BodySpec.Field f : spec.fields()) {
      Map<String, Object> p = switch (f.type()) {
        case STRING -> new LinkedHashMap<>(Map.of("type", "string"));
        case INTEGER -> new LinkedHashMap<>(Map.of("type", "integer"));
        case BOOLEAN -> new LinkedHashMap<>(Map.of("type", "boolean"));
        case STRING_ARRAY -> new LinkedHashMap<>(Map.of("type", "array", "items", Map.of("type", "string")));
        case STRING_MAP -> new LinkedHashMap<>(Map.of("type", "object", "additionalProperties", Map.of("type", "string")));
        case OBJECT -> schema(f.nested());
        case ANY_OBJECT -> new LinkedHashMap<>(Map.of("type", "object"));
      };
      if (f.nullable()) {
        p.put("type", List.of(p.get("type"), "null"));
      }
      p.put("description", f.description());
      props.put(f.name(), p);
      if (f.required()) {
        required.add(f.name());
      }
    }
    s.put("properties", props);
    if (!required.isEmpty()) {
      s.put("required", required);
    }
    s.put("additionalProperties", false);
    return s;
  }

  private static Map<String, Object> problemSchema() {
    Map<String, Object> props = new LinkedHashMap<>();
    for (String f : List.of("type", "title", "detail", "code", "field", "request_id")) {
      props.put(f, Map.of("type", "string"));
    }
    props.put("status", Map.of("type", "integer"));
    return Map.of("type", "object", "properties", props, "required", List.of("type", "title", "status", "code"));
  }
}
