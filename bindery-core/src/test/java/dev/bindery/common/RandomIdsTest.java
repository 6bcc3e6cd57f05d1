package dev.bindery.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomIdsTest {

  @Test
  void base32_rfc4648TestVectors_lowercaseWithoutPadding() {
    // RFC 4648 section 10, lowercased and without '=' padding
    assertThat(RandomIds.base32("".getBytes(StandardCharsets.US_ASCII))).isEqualTo("");
    assertThat(RandomIds.base32("f".getBytes(StandardCharsets.US_ASCII))).isEqualTo("my");
    assertThat(RandomIds.base32("fo".getBytes(StandardCharsets.US_ASCII))).isEqualTo("mzxq");
    assertThat(RandomIds.base32("foo".getBytes(StandardCharsets.US_ASCII))).isEqualTo("mzxw6");
    assertThat(RandomIds.base32("foob".getBytes(StandardCharsets.US_ASCII))).isEqualTo("mzxw6yq");
    assertThat(RandomIds.base32("fooba".getBytes(StandardCharsets.US_ASCII))).isEqualTo("mzxw6ytb");
    assertThat(RandomIds.base32("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("mzxw6ytboi");
  }

  @Test
  void base32_sixteenBytes_is26Characters() {
    assertThat(RandomIds.base32(new byte[16])).isEqualTo("a".repeat(26));
    byte[] ones = new byte[16];
    java.util.Arrays.fill(ones, (byte) 0xff);
    assertThat(RandomIds.base32(ones)).isEqualTo("7".repeat(25) + "4");
  }

  @Test
  void generate_prefixAnd26Base32Characters_neverRepeats() {
    SecureRandom random = new SecureRandom();
    Set<String> seen = new HashSet<>();

    for (int i = 0; i < 1000; i++) {
      String id = RandomIds.generate("x_", random);
      assertThat(id).matches("x_[a-z2-7]{26}");
      seen.add(id);
    }

    assertThat(seen).hasSize(1000);
  }

  @Test
  void pattern_quotesThePrefix() {
    assertThat(RandomIds.pattern("a.b_").matcher("a.b_" + "a".repeat(26)).matches()).isTrue();
    assertThat(RandomIds.pattern("a.b_").matcher("axb_" + "a".repeat(26)).matches()).isFalse();
  }

  @Test
  void secret_prefixAnd256BitsInBase32_andOnlyThatShapeIsWellFormed() {
    String secret = RandomIds.secret("bnd_x_", new SecureRandom()).reveal();

    assertThat(secret).matches("bnd_x_[a-z2-7]{52}");
    assertThat(RandomIds.wellFormedSecret("bnd_x_", secret)).isTrue();
    assertThat(RandomIds.wellFormedSecret("bnd_y_", secret)).as("another prefix").isFalse();
    assertThat(RandomIds.wellFormedSecret("bnd_x_", secret.toUpperCase(java.util.Locale.ROOT))).isFalse();
    assertThat(RandomIds.wellFormedSecret("bnd_x_", secret + "a")).isFalse();
    assertThat(RandomIds.wellFormedSecret("bnd_x_", secret.substring(0, secret.length() - 1))).isFalse();
    for (char notBase32 : new char[] {'0', '1', '8', '9', '=', '-', ' '}) {
      assertThat(RandomIds.wellFormedSecret("bnd_x_", "bnd_x_" + "a".repeat(51) + notBase32)).as("%s", notBase32)
          .isFalse();
    }
    assertThat(RandomIds.wellFormedSecret("bnd_x_", null)).isFalse();
  }
}
