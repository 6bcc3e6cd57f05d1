package dev.bindery.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class OperatorIdTest {

  @Test
  void parse_prefixAnd26Base32Characters_accepted() {
    assertThat(OperatorId.parse("op_abcdefghijklmnopqrstuvwxyz").value()).isEqualTo("op_abcdefghijklmnopqrstuvwxyz");
  }

  @Test
  void generate_matchesTheFormatAndParsesBack() {
    OperatorId id = OperatorId.generate(new SecureRandom());

    assertThat(id.value()).matches("op_[a-z2-7]{26}");
    assertThat(OperatorId.parse(id.value())).isEqualTo(id);
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "op_", "op_abcdefghijklmnopqrstuvwxy", "op_abcdefghijklmnopqrstuvwxyza",
      "OP_abcdefghijklmnopqrstuvwxyz", "op_abcdefghijklmnopqrstuvwxy0", "nhi_abcdefghijklmnopqrstuvwxyz",
      "op-abcdefghijklmnopqrstuvwxyz", "admin"})
  void parse_malformed_rejectedAsInvalidIdentifier(String value) {
    assertThatThrownBy(() -> OperatorId.parse(value)).isInstanceOfSatisfying(RejectedException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_IDENTIFIER);
      assertThat(e.getMessage()).isEqualTo("not an operator identifier");
    });
  }

  @Test
  void operator_auditorWithAnotherRoleOrTeam_rejected() {
    java.time.Instant at = java.time.Instant.EPOCH;
    OperatorId id = OperatorId.generate(new SecureRandom());

    assertThatThrownBy(() -> new Operator(id, "a", java.util.Set.of(Role.AUDITOR, Role.ADMIN), java.util.Set.of(),
        OperatorStatus.ACTIVE, 1, at, at)).isInstanceOfSatisfying(RejectedException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD));
    assertThatThrownBy(() -> new Operator(id, "a", java.util.Set.of(Role.AUDITOR),
        java.util.Set.of(new dev.bindery.identity.TeamId("payments")), OperatorStatus.ACTIVE, 1, at, at))
        .isInstanceOfSatisfying(RejectedException.class, e -> assertThat(e.field()).isEqualTo("roles"));
    assertThat(new Operator(id, "a", java.util.Set.of(Role.AUDITOR), java.util.Set.of(), OperatorStatus.ACTIVE, 1, at,
        at).roles()).containsExactly(Role.AUDITOR);
  }
}
