package dev.bindery.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.server.bootstrap.MasterKey;
import dev.bindery.server.tls.ClientCertificateHeader;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The authorization server's configuration keys: defaults, accepted values, and refusals naming the key. */
class OAuthConfigTest {
  static BinderyConfig.OAuthConfig oauth(Map<String, String> values) {
    return BinderyConfig.fromSources(values, Map.of()).oauth();
  }

  static void assertRejected(Map<String, String> values, String key) {
    assertThatThrownBy(() -> BinderyConfig.fromSources(values, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(key);
  }

  @Test
  void defaults_boundTokensOfFiveMinutesWeeklyRotationNoNonce() {
    BinderyConfig.OAuthConfig c = oauth(Map.of());

    assertThat(c.publicUrl()).isNull();
    assertThat(c.tokens().defaultLifetime()).isEqualTo(Duration.ofSeconds(300));
    assertThat(c.tokens().maxLifetime()).isEqualTo(Duration.ofSeconds(3600));
    assertThat(c.tokens().defaultAudience()).isNull();
    assertThat(c.signingKeyRotation()).isEqualTo(Duration.ofDays(7));
    assertThat(c.dpopWindow()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.dpopNonceRequired()).isFalse();
    assertThat(c.trustedProxies().isEmpty()).as("no proxy is trusted by default").isTrue();
    assertThat(c.trustedProxies().contains("127.0.0.1")).isFalse();
    assertThat(c.clientCertHeader()).isEqualTo(ClientCertificateHeader.CLIENT_CERT);
  }

  @Test
  void values_parsedFromTheFileAndTheEnvironment() {
    BinderyConfig.OAuthConfig c = oauth(Map.of(BinderyConfig.PUBLIC_URL, "https://Bindery.Example.com:8443/",
        BinderyConfig.TOKEN_LIFETIME, "120", BinderyConfig.TOKEN_MAX_LIFETIME, "600",
        BinderyConfig.TOKEN_DEFAULT_AUDIENCE, "urn:example:api", BinderyConfig.TOKEN_SIGNING_KEY_ROTATION, "86400",
        BinderyConfig.DPOP_IAT_WINDOW, "30", BinderyConfig.DPOP_NONCE_REQUIRED, "true"));

    assertThat(c.publicUrl()).hasToString("https://Bindery.Example.com:8443");
    assertThat(c.tokens().defaultLifetime()).isEqualTo(Duration.ofSeconds(120));
    assertThat(c.tokens().maxLifetime()).isEqualTo(Duration.ofSeconds(600));
    assertThat(c.tokens().defaultAudience().value()).isEqualTo("urn:example:api");
    assertThat(c.signingKeyRotation()).isEqualTo(Duration.ofDays(1));
    assertThat(c.dpopWindow()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.dpopNonceRequired()).isTrue();
    assertThat(BinderyConfig.fromSources(Map.of(), Map.of("BINDERY_OAUTH_DPOP_NONCE_REQUIRED", "true")).oauth()
        .dpopNonceRequired()).isTrue();
    assertThat(oauth(Map.of(BinderyConfig.TOKEN_MAX_LIFETIME, "120")).tokens().defaultLifetime())
        .as("a maximum below the default lowers the default").isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void badValues_rejectedNamingTheKey() {
    assertRejected(Map.of(BinderyConfig.PUBLIC_URL, "http://bindery.example.com"), BinderyConfig.PUBLIC_URL);
    assertRejected(Map.of(BinderyConfig.PUBLIC_URL, "https://bindery.example.com/oauth"), BinderyConfig.PUBLIC_URL);
    assertRejected(Map.of(BinderyConfig.PUBLIC_URL, "https://u@bindery.example.com"), BinderyConfig.PUBLIC_URL);
    assertRejected(Map.of(BinderyConfig.PUBLIC_URL, "https://bindery.example.com?x=1"), BinderyConfig.PUBLIC_URL);
    assertRejected(Map.of(BinderyConfig.TOKEN_LIFETIME, "600", BinderyConfig.TOKEN_MAX_LIFETIME, "300"),
        BinderyConfig.TOKEN_LIFETIME);
    assertRejected(Map.of(BinderyConfig.TOKEN_LIFETIME, "5"), BinderyConfig.TOKEN_LIFETIME);
    assertRejected(Map.of(BinderyConfig.TOKEN_MAX_LIFETIME, "86401"), BinderyConfig.TOKEN_MAX_LIFETIME);
    assertRejected(Map.of(BinderyConfig.TOKEN_DEFAULT_AUDIENCE, "relative"), BinderyConfig.TOKEN_DEFAULT_AUDIENCE);
    assertRejected(Map.of(BinderyConfig.TOKEN_SIGNING_KEY_ROTATION, "60"), BinderyConfig.TOKEN_SIGNING_KEY_ROTATION);
    assertRejected(Map.of(BinderyConfig.DPOP_IAT_WINDOW, "3600"), BinderyConfig.DPOP_IAT_WINDOW);
    assertRejected(Map.of(BinderyConfig.DPOP_NONCE_REQUIRED, "yes"), BinderyConfig.DPOP_NONCE_REQUIRED);
  }

  @Test
  void trustedProxiesAndHeaderForm_parsedFromTheFileAndTheEnvironment() {
    BinderyConfig.OAuthConfig c = oauth(Map.of(BinderyConfig.TRUSTED_PROXIES, " 10.0.0.5, 192.168.10.0/24 ,fd00::/64",
        BinderyConfig.CLIENT_CERT_HEADER, "envoy"));

    assertThat(c.trustedProxies().contains("10.0.0.5")).isTrue();
    assertThat(c.trustedProxies().contains("10.0.0.6")).isFalse();
    assertThat(c.trustedProxies().contains("192.168.10.77")).isTrue();
    assertThat(c.trustedProxies().contains("fd00::9")).isTrue();
    assertThat(c.clientCertHeader()).isEqualTo(ClientCertificateHeader.ENVOY);
    BinderyConfig.OAuthConfig env = BinderyConfig.fromSources(Map.of(), Map.of("BINDERY_OAUTH_TRUSTED_PROXIES",
        "127.0.0.1", "BINDERY_OAUTH_CLIENT_CERT_HEADER", "nginx")).oauth();
    assertThat(env.trustedProxies().contains("127.0.0.1")).isTrue();
    assertThat(env.clientCertHeader()).isEqualTo(ClientCertificateHeader.NGINX);
    assertThat(oauth(Map.of(BinderyConfig.TRUSTED_PROXIES, "")).trustedProxies().isEmpty()).isTrue();
  }

  @Test
  void badTrustedProxies_rejectedAtStartNamingTheKeyAndTheEntry() {
    for (String bad : new String[] {"10.0.0.0/33", "proxy.internal", "10.0.0.1,,10.0.0.2", "10.0.0.1 10.0.0.2",
        "0.0.0.0/0", "::/0", "fe80::1%eth0", "300.1.1.1"}) {
      assertRejected(Map.of(BinderyConfig.TRUSTED_PROXIES, bad), BinderyConfig.TRUSTED_PROXIES);
    }
    assertThatThrownBy(() -> oauth(Map.of(BinderyConfig.TRUSTED_PROXIES, "10.0.0.1,10.0.0.0/33")))
        .hasMessage(BinderyConfig.TRUSTED_PROXIES + ": '10.0.0.0/33' has a prefix length outside 0-32; write IP "
            + "addresses and CIDR ranges separated by commas, for example 10.0.0.5,192.168.10.0/24,fd00::/64");
    assertThatThrownBy(() -> oauth(Map.of(BinderyConfig.TRUSTED_PROXIES, "0.0.0.0/0")))
        .hasMessageContaining("would trust every address");
  }

  @Test
  void badClientCertHeader_rejectedNamingTheKey() {
    assertRejected(Map.of(BinderyConfig.CLIENT_CERT_HEADER, "Client-Cert"), BinderyConfig.CLIENT_CERT_HEADER);
    assertRejected(Map.of(BinderyConfig.CLIENT_CERT_HEADER, "haproxy"), BinderyConfig.CLIENT_CERT_HEADER);
  }

  @Test
  void masterKeyDerive_deterministicPerLabelAndIndependentAcrossLabels() {
    byte[] master = new byte[32];
    Arrays.fill(master, (byte) 3);

    byte[] a = MasterKey.derive(master, "bindery dpop nonce key v1");
    byte[] again = MasterKey.derive(master.clone(), "bindery dpop nonce key v1");
    byte[] other = MasterKey.derive(master, "another purpose");

    assertThat(a).hasSize(32).isEqualTo(again).isNotEqualTo(other).isNotEqualTo(master);
    assertThatThrownBy(() -> MasterKey.derive(new byte[16], "x")).isInstanceOf(IllegalArgumentException.class);
  }
}
