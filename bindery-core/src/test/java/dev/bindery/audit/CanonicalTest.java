package dev.bindery.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CanonicalTest {

  @Test
  void json_objectKeys_sortedByUtf16CodeUnit() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b", 1L);
    m.put("\uFFFD", 2L);
    m.put("\uD83D\uDE00", 3L); // U+1F600: a surrogate pair sorts before U+FFFD by code unit
    m.put("aa", 4L);
    m.put("B", 5L);
    m.put("a", 6L);
    m.put("\u00e9", 7L);

    assertThat(Canonical.json(m)).isEqualTo("{\"B\":5,\"a\":6,\"aa\":4,\"b\":1,\"\u00e9\":7,\"\uD83D\uDE00\":3,\"\uFFFD\":2}");
  }

  @Test
  void json_nestedValues_sortedAtEveryLevelListsKeepOrder() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("z", List.of(3L, 1L, 2L));
    inner.put("y", null);
    Map<String, Object> outer = new HashMap<>();
    outer.put("outer", inner);
    outer.put("flag", false);
    outer.put("empty", Map.of());
    outer.put("none", List.of());

    assertThat(Canonical.json(outer))
        .isEqualTo("{\"empty\":{},\"flag\":false,\"none\":[],\"outer\":{\"y\":null,\"z\":[3,1,2]}}");
  }

  @Test
  void json_insertionOrder_doesNotChangeOutput() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("one", 1L);
    a.put("two", "2");
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("two", "2");
    b.put("one", 1L);

    assertThat(Canonical.json(a)).isEqualTo(Canonical.json(b)).isEqualTo("{\"one\":1,\"two\":\"2\"}");
  }

  @Test
  void json_strings_minimalEscapesAndLowercaseUnicodeEscapesForOtherControls() {
    String s = "q\" b\\ n\n r\r t\t b\b f\f c1\u0001 c1f\u001f del\u007f slash/ \u00fc \uD83D\uDE00";

    assertThat(Canonical.json(s)).isEqualTo(
        "\"q\\\" b\\\\ n\\n r\\r t\\t b\\b f\\f c1\\u0001 c1f\\u001f del\u007f slash/ \u00fc \uD83D\uDE00\"");
  }

  @Test
  void json_controlCharacterWithHexLetters_escapedLowercase() {
    assertThat(Canonical.json("\u001b\u000b")).isEqualTo("\"\\u001b\\u000b\"");
  }

  @Test
  void json_numbers_plainDecimal() {
    List<Object> numbers = new ArrayList<>();
    numbers.add(0);
    numbers.add(-42);
    numbers.add(Long.MIN_VALUE);
    numbers.add(Long.MAX_VALUE);
    numbers.add(new BigDecimal("1.50"));
    numbers.add(new BigDecimal("1E+3"));
    numbers.add(new BigDecimal("-0.000001"));

    assertThat(Canonical.json(numbers))
        .isEqualTo("[0,-42,-9223372036854775808,9223372036854775807,1.50,1000,-0.000001]");
  }

  @Test
  void json_literals_nullTrueFalse() {
    List<Object> values = new ArrayList<>();
    values.add(null);
    values.add(true);
    values.add(false);

    assertThat(Canonical.json(values)).isEqualTo("[null,true,false]");
    assertThat(Canonical.json(null)).isEqualTo("null");
  }

  static Stream<Object> unsupported() {
    return Stream.of(1.5d, 1.5f, (short) 1, (byte) 1, 'c', Instant.EPOCH, UUID.randomUUID(), new byte[] {1},
        new Object(), java.util.Optional.empty());
  }

  @ParameterizedTest
  @MethodSource("unsupported")
  void json_unsupportedValue_rejected(Object value) {
    assertThatThrownBy(() -> Canonical.json(value)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a canonical value: ");
    assertThatThrownBy(() -> Canonical.json(Map.of("nested", List.of(value))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a canonical value: ");
  }

  @Test
  void json_nonStringMapKey_rejected() {
    Map<Object, Object> intKey = new HashMap<>();
    intKey.put(1, "x");
    Map<Object, Object> nullKey = new HashMap<>();
    nullKey.put(null, "x");

    assertThatThrownBy(() -> Canonical.json(intKey)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a canonical object key: java.lang.Integer");
    assertThatThrownBy(() -> Canonical.json(nullKey)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a canonical object key: null");
  }

  @Test
  void auditRecord_unsupportedDetail_rejectedAtConstruction() {
    assertThatThrownBy(() -> new AuditRecord("op", "a", "t", Map.of("when", Instant.EPOCH), Outcome.SUCCESS, "r"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
