package dev.bindery.cli.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientCommandsTest {

  @Test
  void redactSecrets_tokenEqualsForm_redacted() {
    String message = ClientCommands.redactSecrets("Unknown option: '--token=abc' near abc",
        new String[] {"--token=abc"});

    assertThat(message).doesNotContain("abc");
  }

  @Test
  void redactSecrets_everySecretPrefixAndAJwt_redacted_otherArgumentsKept() {
    String[] args = {"identity", "show", "bnd_op_x1", "bnd_enr_x2", "bnd_ak_x3", "bnd_whs_x4", "bnd_dis_x5",
        "bnd_tre_x6", "bnd_rc_x7", "eyJhbGciOi.x8.y", "nhi_visible"};
    String message = ClientCommands.redactSecrets(String.join(" ", args), args);

    assertThat(message).doesNotContain("x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8").contains("nhi_visible")
        .contains("identity show");
  }
}
