package dev.bindery.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdentityIdTest {
  private static final String VALID = "nhi_abcdefghijklmnopqrstuvwxyz";

  @Test
  void parse_prefixAnd26Base32Characters_accepted() {
    assertThat(IdentityId.parse(VALID).value()).isEqualTo(VALID);
    assertThat(IdentityId.parse("nhi_" + "234567".repeat(4) + "ab").toString()).isEqualTo("nhi_" + "234567".repeat(4) + "ab");
  }

  @Test
  void generate_matchesTheFormatAndParsesBack() {
    IdentityId id = IdentityId.generate(new SecureRandom());

    assertThat(id.value()).matches("nhi_[a-z2-7]{26}");
    assertThat(IdentityId.parse(id.value())).isEqualTo(id);
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "nhi_", "nhi_abcdefghijklmnopqrstuvwxy", "nhi_abcdefghijklmnopqrstuvwxyza",
      "NHI_abcdefghijklmnopqrstuvwxyz", "nhi_ABCDEFGHIJKLMNOPQRSTUVWXYZ", "nhi_abcdefghijklmnopqrstuvwxy1",
      "nhi_abcdefghijklmnopqrstuvwxy8", "nhi-abcdefghijklmnopqrstuvwxyz", "op_abcdefghijklmnopqrstuvwxyz",
      " nhi_abcdefghijklmnopqrstuvwxyz", "nhi_abcdefghijklmnopqrstuvwxyz\n", "nhi_abcdefghijklmnopqrstuvwxy=",
      "billing-worker"})
  void parse_malformed_rejectedAsInvalidIdentifier(String value) {
    assertThatThrownBy(() -> IdentityId.parse(value)).isInstanceOfSatisfying(RejectedException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_IDENTIFIER);
      assertThat(e.getMessage()).isEqualTo("not an identity identifier");
    });
  }
}
