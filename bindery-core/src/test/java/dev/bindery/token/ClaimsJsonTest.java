package dev.bindery.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ClaimsJson} writes what Nimbus writes: parsed by Nimbus's own JSON parser, its text gives the same members
 * and values as {@link JWTClaimsSet#toString()} for access-token claims, for strings holding every character that
 * needs escaping, and for random strings; a claim type it does not know falls back to Nimbus.
 */
class ClaimsJsonTest {
  static JWTClaimsSet.Builder accessToken() {
    Instant iat = Instant.ofEpochSecond(1_796_143_590L);
    return new JWTClaimsSet.Builder().issuer("https://127.0.0.1:8443").subject("nhi_dnhh27lzzzakhuip7qjxccqvg4")
        .audience(List.of("https://orders.example")).claim("client_id", "nhi_dnhh27lzzzakhuip7qjxccqvg4")
        .issueTime(Date.from(iat)).notBeforeTime(Date.from(iat)).expirationTime(Date.from(iat.plusSeconds(300)))
        .jwtID("tok_i4j46gx62irlkrxxwzysbzvnvy").claim("scope", "orders.read orders.write")
        .claim("cnf", Map.of("x5t#S256", "mg5xY2c5iz18F12Dk34JntsliC8UfE1XC-e-jqWtnZ0"));
  }

  static Map<String, Object> parsed(String json) throws Exception {
    return JSONObjectUtils.parse(json);
  }

  @Test
  void accessTokenClaims_sameMembersAndValuesAsNimbus_singleAudienceAString_datesInSeconds() throws Exception {
    JWTClaimsSet claims = accessToken().build();
    String ours = ClaimsJson.write(claims);

    assertThat(parsed(ours)).isEqualTo(parsed(claims.toString()));
    assertThat(ours).contains("\"aud\":\"https://orders.example\"").contains("\"exp\":1796143890")
        .contains("\"cnf\":{\"x5t#S256\":\"mg5xY2c5iz18F12Dk34JntsliC8UfE1XC-e-jqWtnZ0\"}");
    JWTClaimsSet two = accessToken().audience(List.of("https://a.example", "urn:b")).build();
    assertThat(ClaimsJson.write(two)).contains("\"aud\":[\"https://a.example\",\"urn:b\"]");
    assertThat(parsed(ClaimsJson.write(two))).isEqualTo(parsed(two.toString()));
  }

  @Test
  void stringsThatNeedEscaping_parseBackToTheSameValue() throws Exception {
    StringBuilder controls = new StringBuilder();
    for (char c = 0; c < 0x20; c++) {
      controls.append(c);
    }
    List<String> values = List.of("quote \" backslash \\ slash /", controls.toString() + "\u007f",
        "</script><!-- & = '", "ünïcödé ∑ 😀 \u2028\u2029", "", "\\u0041 is not A");
    for (String v : values) {
      JWTClaimsSet claims = accessToken().subject(v).claim("nested", Map.of("k\"" + v, List.of(v, 1L, true)))
          .build();
      String ours = ClaimsJson.write(claims);
      assertThat(parsed(ours)).as(v).isEqualTo(parsed(claims.toString()));
      assertThat(parsed(ours).get("sub")).isEqualTo(v);
    }
  }

  @Test
  void randomStrings_parseBackToTheSameValue() throws Exception {
    Random random = new Random(42);
    for (int n = 0; n < 2000; n++) {
      char[] chars = new char[random.nextInt(12)];
      for (int i = 0; i < chars.length; i++) {
        chars[i] = (char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0xD800));
      }
      String v = new String(chars);
      JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(v).claim(v, v).build();
      assertThat(parsed(ClaimsJson.write(claims))).as("%s", v.chars().boxed().toList())
          .isEqualTo(parsed(claims.toString()));
    }
  }

  @Test
  void unknownValueType_writtenByNimbus() throws Exception {
    Map<String, Object> odd = new LinkedHashMap<>();
    odd.put("ratio", 0.5);
    JWTClaimsSet claims = accessToken().claim("odd", odd).build();
    assertThat(ClaimsJson.write(claims)).isEqualTo(claims.toString());
  }
}
