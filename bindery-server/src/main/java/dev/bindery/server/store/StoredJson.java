package dev.bindery.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bindery.audit.Canonical;
import java.util.List;
import java.util.Map;

/**
 * JSON columns of the support desk tables: written as canonical JSON ({@link Canonical}), read back with Jackson. A
 * column that does not read back as the expected shape is a store failure, not input to validate.
 */
final class StoredJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};
  private static final TypeReference<List<Map<String, String>>> MAP_LIST = new TypeReference<>() {};

  private StoredJson() {}

  static String write(Object value) {
    return Canonical.json(value);
  }

  /** A JSON object of strings; {@code column} names it in the failure. */
  static Map<String, String> stringMap(String json, String column) {
    return read(json, STRING_MAP, column);
  }

  static List<String> stringList(String json, String column) {
    return read(json, STRING_LIST, column);
  }

  /** A JSON array of objects of strings. */
  static List<Map<String, String>> mapList(String json, String column) {
    return read(json, MAP_LIST, column);
  }

  private static <T> T read(String json, TypeReference<T> type, String column) {
    try {
      T value = JSON.readValue(json, type);
      if (value == null) {
        throw new IllegalStateException("stored " + column + " is null JSON");
      }
      return value;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored " + column + " is not the expected JSON", e);
    }
  }
}
