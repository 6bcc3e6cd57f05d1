package dev.bindery.client.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys and certificates written by OpenSSL (src/test/resources/pem), read with the JDK alone. */
class PemTest {
  private static Path resource(String name) throws Exception {
    return Path.of(PemTest.class.getResource("/pem/" + name).toURI());
  }

  @Test
  void sec1AndPkcs8OfTheSameEcKey_readAsTheSameKey() throws Exception {
    ECPrivateKey sec1 = (ECPrivateKey) Pem.readPrivateKey(resource("ec-sec1.pem"));
    ECPrivateKey pkcs8 = (ECPrivateKey) Pem.readPrivateKey(resource("ec-pkcs8.pem"));
    assertThat(sec1.getS()).isEqualTo(pkcs8.getS());
    assertThat(sec1.getParams().getCurve()).isEqualTo(pkcs8.getParams().getCurve());
  }

  @Test
  void sec1P384AfterAParametersBlock_read() throws Exception {
    ECPrivateKey key = (ECPrivateKey) Pem.readPrivateKey(resource("ec384-sec1-with-params.pem"));
    assertThat(key.getParams().getCurve().getField().getFieldSize()).isEqualTo(384);
  }

  @Test
  void rsaPkcs8_read_rsaPkcs1_refusedWithAConversionHint() throws Exception {
    assertThat(Pem.readPrivateKey(resource("rsa-pkcs8.pem"))).isInstanceOf(RSAPrivateKey.class);
    assertThatThrownBy(() -> Pem.readPrivateKey(resource("rsa-pkcs1.pem")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void encryptedKey_refused() throws Exception {
    assertThatThrownBy(() -> Pem.readPrivateKey(resource("ec-encrypted.pem")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("encrypted");
  }

  @Test
  void noKeyOrGarbage_refusedWithoutEchoingTheContent(@TempDir Path dir) throws Exception {
    Path certOnly = resource("x5t-vector-cert.pem");
    assertThatThrownBy(() -> Pem.readPrivateKey(certOnly)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds no PEM private key");
    Path garbage = dir.resolve("garbage.pem");
    Files.writeString(garbage, "-----BEGIN PRIVATE KEY-----\nAAAAsecretish\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> Pem.readPrivateKey(garbage)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("secretish");
    Path truncatedSec1 = dir.resolve("truncated.pem");
    Files.writeString(truncatedSec1, "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIKAIjUXd\n-----END EC PRIVATE KEY-----\n");
    assertThatThrownBy(() -> Pem.readPrivateKey(truncatedSec1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed EC private key");
  }

  @Test
  void readCertificates_emptyFile_refused(@TempDir Path dir) throws Exception {
    Path empty = dir.resolve("empty.pem");
    Files.writeString(empty, "");
    assertThatThrownBy(() -> Pem.readCertificates(empty)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Pem.readCertificates(resource("x5t-vector-cert.pem"))).hasSize(1);
  }
}
