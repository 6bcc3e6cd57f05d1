package dev.bindery.client.issuer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IssuerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(strings = {"http://bindery.example", "https://bindery.example/", "https://bindery.example?x=1",
      "https://bindery.example#f", "https://user@bindery.example", "bindery.example", "https://"})
  void issuer_notAPlainHttpsIdentifier_refused(String value) {
    assertThatThrownBy(() -> Issuer.parse(value)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void metadataUri_wellKnownGoesBetweenHostAndPath_rfc8414Section3_1() {
    assertThat(Issuer.parse("https://localhost:8443").metadataUri())
        .isEqualTo(URI.create("https://localhost:8443/.well-known/oauth-authorization-server"));
    assertThat(Issuer.parse("https://bindery.example/tenant1").metadataUri())
        .isEqualTo(URI.create("https://bindery.example/.well-known/oauth-authorization-server/tenant1"));
    assertThat(Issuer.parse("https://bindery.example/tenant1").resolve("/oauth2/revocations"))
        .isEqualTo(URI.create("https://bindery.example/tenant1/oauth2/revocations"));
  }

  @Test
  void metadata_otherIssuer_refused() throws Exception {
    Issuer issuer = Issuer.parse("https://bindery.example");
    String json = "{\"issuer\":\"https://evil.example\",\"token_endpoint\":\"https://bindery.example/oauth2/token\","
        + "\"jwks_uri\":\"https://bindery.example/oauth2/jwks\"}";
    assertThatThrownBy(() -> AuthorizationServerMetadata.parse(JSON.readTree(json), issuer))
        .isInstanceOf(IssuerUnavailableException.class).hasMessageContaining("another issuer");
  }

  @Test
  void metadata_plainHttpEndpoint_refused() throws Exception {
    Issuer issuer = Issuer.parse("https://bindery.example");
    String json = "{\"issuer\":\"https://bindery.example\",\"token_endpoint\":\"https://bindery.example/oauth2/token\","
        + "\"jwks_uri\":\"http://bindery.example/oauth2/jwks\"}";
    assertThatThrownBy(() -> AuthorizationServerMetadata.parse(JSON.readTree(json), issuer))
        .isInstanceOf(IssuerUnavailableException.class).hasMessageContaining("jwks_uri is not an https URL");
  }

  @Test
  void metadata_readsMtlsAliasAndDpopAlgorithms() throws Exception {
    Issuer issuer = Issuer.parse("https://bindery.example");
    String json = "{\"issuer\":\"https://bindery.example\",\"token_endpoint\":\"https://bindery.example/oauth2/token\","
        + "\"jwks_uri\":\"https://bindery.example/oauth2/jwks\",\"dpop_signing_alg_values_supported\":[\"ES256\"],"
        + "\"mtls_endpoint_aliases\":{\"token_endpoint\":\"https://mtls.bindery.example/oauth2/token\"}}";
    AuthorizationServerMetadata md = AuthorizationServerMetadata.parse(JSON.readTree(json), issuer);
    assertThat(md.mtlsTokenEndpoint()).contains(URI.create("https://mtls.bindery.example/oauth2/token"));
    assertThat(md.dpopSigningAlgorithms()).containsExactly("ES256");
  }
}
