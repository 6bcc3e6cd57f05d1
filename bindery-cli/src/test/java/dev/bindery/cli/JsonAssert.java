package dev.bindery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.cli.http.Json;

/** Compares JSON texts as trees, so key order and white space do not matter but every value does. */
public final class JsonAssert {
  private JsonAssert() {}

  public static void assertSameJson(String actual, String expected) {
    JsonNode actualTree = Json.parse(actual);
    JsonNode expectedTree = Json.parse(expected);
    assertThat(actualTree).as("JSON %s", actual).isEqualTo(expectedTree);
  }
}
