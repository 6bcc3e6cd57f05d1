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
}
