package dev.bindery.client.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.client.testing.TestPki;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 9440 §2.2: Client-Cert is a Structured Field Byte Sequence of the DER certificate. */
class ClientCertHeaderTest {
  @Test
  void parse_byteSequence_returnsTheCertificate() throws Exception {
    var certificate = TestPki.generate("h").client("nhi_x").certificate();
    String value = ":" + Base64.getEncoder().encodeToString(certificate.getEncoded()) + ":";
    assertThat(ClientCertHeader.parse(value)).isEqualTo(certificate);
    assertThat(ClientCertHeader.parse(" " + value + " ")).isEqualTo(certificate);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "::", "abc", ":abc", "abc:", ":%%%:", ":bm90IGEgY2VydA==:"})
  void parse_malformed_refused(String value) {
    assertThatThrownBy(() -> ClientCertHeader.parse(value)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Client-Cert is not");
  }
}
