package dev.bindery.client.jose;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import dev.bindery.client.tls.Pem;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Exact values from the standards and from OpenSSL. */
class ThumbprintsTest {
  @Test
  void jkt_rfc7638Section3_1Example() throws Exception {
    JWK rsa = JWK.parse("{\"kty\":\"RSA\",\"n\":\"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1R"
        + "K7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0"
        + "_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4l"
        + "Fd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw\",\"e\":\"AQAB\",\"alg\":\"RS256\","
        + "\"kid\":\"2011-04-29\"}");
    assertThat(Thumbprints.jkt(rsa)).isEqualTo("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  }

  @Test
  void jkt_rfc9449Section6_1Example() throws Exception {
    JWK ec = JWK.parse("{\"kty\":\"EC\",\"x\":\"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs\","
        + "\"y\":\"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA\",\"crv\":\"P-256\"}");
    assertThat(Thumbprints.jkt(ec)).isEqualTo("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I");
  }

  @Test
  void ath_rfc9449Section7_1Example() {
    assertThat(Thumbprints.ath("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"))
        .isEqualTo("fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo");
  }

  @Test
  void x5tS256_equalsOpenSslDigestOfTheDer() throws Exception {
    // openssl x509 -in x5t-vector-cert.pem -outform DER | openssl dgst -sha256 -binary | basenc --base64url
    var certificate = Pem.readCertificates(Path.of(getClass().getResource("/pem/x5t-vector-cert.pem").toURI()))
        .get(0);
    assertThat(Thumbprints.x5tS256(certificate)).isEqualTo("RIRr9MRmvY9nufwsjUxUtZj7HNnLWGyctyHMQznPD5M");
  }

  @Test
  void constantTimeEquals_comparesWholeValues() {
    assertThat(Thumbprints.constantTimeEquals("abc", "abc")).isTrue();
    assertThat(Thumbprints.constantTimeEquals("abc", "abd")).isFalse();
    assertThat(Thumbprints.constantTimeEquals("abc", "abcd")).isFalse();
    assertThat(Thumbprints.constantTimeEquals(null, "abc")).isFalse();
  }
}
