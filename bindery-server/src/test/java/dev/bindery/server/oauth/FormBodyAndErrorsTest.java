package dev.bindery.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bindery.oauth.OAuthError;
import dev.bindery.oauth.OAuthException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The strict form parser of the token endpoint and the pieces of its error responses. */
class FormBodyAndErrorsTest {
  static FormBody parse(String body) {
    return FormBody.parse(body.getBytes(StandardCharsets.ISO_8859_1), Set.of("resource"));
  }

  static OAuthException refused(String body) {
    OAuthException e = catchThrowableOfType(OAuthException.class, () -> parse(body));
    assertThat(e).as(body).isNotNull();
    assertThat(e.error()).isEqualTo(OAuthError.INVALID_REQUEST);
    return e;
  }

  @Test
  void parse_percentAndPlusDecodedAsUtf8() {
    FormBody f = parse("scope=a+b%20c&client_id=nhi%5Fx&resource=https%3A%2F%2Fx.example%2F&name=%C3%A9");

    assertThat(f.get("scope")).isEqualTo("a b c");
    assertThat(f.get("client_id")).isEqualTo("nhi_x");
    assertThat(f.all("resource")).containsExactly("https://x.example/");
    assertThat(f.get("name")).isEqualTo("\u00e9");
  }

  @Test
  void parse_emptyValuesAreAbsentAndEmptyPairsIgnored() {
    FormBody f = parse("grant_type=&scope&&client_id=x&");

    assertThat(f.get("grant_type")).isNull();
    assertThat(f.has("grant_type")).isFalse();
    assertThat(f.get("scope")).isNull();
    assertThat(f.get("client_id")).isEqualTo("x");
    assertThat(parse("").get("anything")).isNull();
  }

  @Test
  void parse_repeatedParameters_refusedExceptResource() {
    assertThat(refused("a=1&a=2").reason()).isEqualTo("parameter_repeated");
    assertThat(refused("a=1&a=").reason()).as("even with an empty value").isEqualTo("parameter_repeated");
    assertThat(refused("client%5Fid=1&client_id=2").getMessage()).contains("'client_id'");
    assertThat(refused("x%0a=1&x%0a=2").getMessage()).as("an unsafe name is not echoed").doesNotContain("\n")
        .contains("name not shown");
    assertThat(parse("resource=urn:a&resource=urn:b&resource=").all("resource")).containsExactly("urn:a", "urn:b");
  }

  @Test
  void parse_malformed_refused() {
    refused("a=%");
    refused("a=%4");
    refused("a=%zz");
    refused("a=%C3%28");
    refused("=value");
    refused("a=\u00e9"); // a raw non-ASCII byte that is not UTF-8 on its own
    String tooMany = String.join("&", IntStream.range(0, FormBody.MAX_PARAMETERS + 1).mapToObj(i -> "p" + i + "=1")
        .toList());
    assertThat(refused(tooMany).getMessage()).contains("more than " + FormBody.MAX_PARAMETERS);
  }

  @Test
  void scheme_onlyAWellFormedTokenIsEchoed() {
    assertThat(OAuthErrors.scheme("Basic Y2xpZW50")).isEqualTo("Basic");
    assertThat(OAuthErrors.scheme("  Bearer  x")).isEqualTo("Bearer");
    assertThat(OAuthErrors.scheme("Basic\"realm")).isNull();
    assertThat(OAuthErrors.scheme("a\r\nSet-Cookie: x")).isNull();
    assertThat(OAuthErrors.scheme(null)).isNull();
  }

  @Test
  void status_invalidClientIs401AndEveryOther400() {
    for (OAuthError e : OAuthError.values()) {
      assertThat(OAuthErrors.status(e)).as(e.code()).isEqualTo(e == OAuthError.INVALID_CLIENT ? 401 : 400);
    }
  }
}
