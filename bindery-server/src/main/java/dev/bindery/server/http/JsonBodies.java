package dev.bindery.server.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a request body the strict way, in this order: media type ({@code 415}), size ({@code 413}, checked on
 * the declared length and again while reading, so a chunked body cannot get past it), JSON syntax, object shape,
 * a client-chosen {@code id} on create, unknown fields, missing fields, field types. Each failure names the
 * field. Error messages never echo the body: it may hold a secret (a TOTP code, a token).
 */
public final class JsonBodies {
  private final long maxBytes;

  public JsonBodies(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  public Body read(Context ctx, BodySpec spec) {
    if (bodyAbsent(ctx) && !spec.anyRequired() && ctx.header("Content-Type") == null) {
      // A bodyless POST/DELETE to a route whose fields are all optional (the version can come in If-Match).
      return new Body(Json.MAPPER.createObjectNode());
    }
    requireJsonMediaType(ctx.header("Content-Type"));
    byte[] bytes = readLimited(ctx);
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new RejectedException(ErrorCode.MALFORMED_JSON, at == null ? "request body is not valid JSON"
          : "request body is not valid JSON (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
    } catch (IOException e) {
      throw new RejectedException(ErrorCode.MALFORMED_JSON, "request body is not valid JSON");
    }
    if (root == null || root.isMissingNode()) {
      throw new RejectedException(ErrorCode.MALFORMED_JSON, "request body is empty; send a JSON object");
    }
    if (!root.isObject()) {
      throw new RejectedException(ErrorCode.MALFORMED_JSON, "request body must be a JSON object");
    }
    check((ObjectNode) root, spec, "");
    return new Body((ObjectNode) root);
  }

  private static boolean bodyAbsent(Context ctx) {
    return ctx.req().getContentLengthLong() <= 0 && ctx.header("Transfer-Encoding") == null;
  }

  static void requireJsonMediaType(String contentType) {
    if (contentType != null) {
      String[] parts = contentType.split(";");
      if (parts[0].strip().toLowerCase(Locale.ROOT).equals("application/json")) {
        boolean charsetOk = true;
        for (int i = 1; i < parts.length; i++) {
          String p = parts[i].strip().toLowerCase(Locale.ROOT);
          if (p.startsWith("charset=") && !p.equals("charset=utf-8") && !p.equals("charset=\"utf-8\"")) {
            charsetOk = false;
          }
        }
        if (charsetOk) {
          return;
        }
      }
    }
    throw new RejectedException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        "request body must be sent as Content-Type: application/json (UTF-8)");
  }

  private byte[] readLimited(Context ctx) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) {
      throw tooLarge();
    }
    try (InputStream in = ctx.req().getInputStream()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.max(declared, 256), maxBytes));
      byte[] buf = new byte[8192];
      long total = 0;
      int n;
      while ((n = in.read(buf)) != -1) {
        total += n;
        if (total > maxBytes) {
          throw tooLarge();
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new RejectedException(ErrorCode.MALFORMED_JSON, "request body could not be read completely");
    }
  }

  private RejectedException tooLarge() {
    return new RejectedException(ErrorCode.BODY_TOO_LARGE, "request body exceeds " + maxBytes + " bytes");
  }

  private static void check(ObjectNode node, BodySpec spec, String prefix) {
    Map<String, BodySpec.Field> fields = spec.byName();
    if (spec.serverAssignedId() && node.has("id")) {
      throw new RejectedException(ErrorCode.IDENTIFIER_NOT_ACCEPTED,
          "identifiers are assigned by the server; remove 'id' from the request", prefix + "id");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!fields.containsKey(name)) {
        throw new RejectedException(ErrorCode.UNKNOWN_FIELD, "unknown field '" + prefix + name + "'", prefix + name);
      }
    }
    for (BodySpec.Field f : fields.values()) {
      String path = prefix + f.name();
      JsonNode v = node.get(f.name());
      if (v == null) {
        if (f.required()) {
          throw RejectedException.missing(path);
        }
        continue;
      }
      if (v.isNull()) {
        if (f.required() || !f.nullable()) {
          throw f.required() ? RejectedException.missing(path)
              : RejectedException.invalid(path, "'" + path + "' cannot be null");
        }
        continue;
      }
      checkType(v, f, path);
    }
  }

  private static void checkType(JsonNode v, BodySpec.Field f, String path) {
    switch (f.type()) {
      case STRING -> require(v.isTextual(), path, "a string");
      case INTEGER -> require(v.isIntegralNumber() && v.canConvertToLong(), path, "an integer");
      case BOOLEAN -> require(v.isBoolean(), path, "true or false");
      case STRING_ARRAY -> {
        require(v.isArray(), path, "an array of strings");
        v.forEach(e -> require(e.isTextual(), path, "an array of strings"));
      }
      case STRING_MAP -> {
        require(v.isObject(), path, "an object with string values");
        v.forEach(e -> require(e.isTextual(), path, "an object with string values"));
      }
      case ANY_OBJECT -> require(v.isObject(), path, "a JSON object");
      case OBJECT -> {
        require(v.isObject(), path, "an object");
        check((ObjectNode) v, f.nested(), path + ".");
      }
    }
  }

  private static void require(boolean ok, String path, String what) {
    if (!ok) {
      throw RejectedException.invalid(path, "'" + path + "' must be " + what);
    }
  }
}
