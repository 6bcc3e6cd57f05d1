package dev.bindery.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BinderyConfigTest {
  @TempDir Path dir;

  @Test
  void defaults_matchTheDocumentedValues() {
    BinderyConfig c = BinderyConfig.fromSources(Map.of(), Map.of());
    assertThat(c.dataDir()).isEqualTo(Path.of("./bindery-data"));
    assertThat(c.httpHost()).isEqualTo("127.0.0.1");
    assertThat(c.httpPort()).isEqualTo(8443);
    assertThat(c.httpCoreRoutes()).isTrue();
    assertThat(c.tlsMode()).isEqualTo(BinderyConfig.TlsMode.DEV);
    assertThat(c.dbUrl()).startsWith("jdbc:h2:file:").endsWith("/db/bindery;AUTO_SERVER=FALSE");
    assertThat(c.dbPoolSize()).isEqualTo(10);
    assertThat(c.masterKeyFile()).isEqualTo(Path.of("./bindery-data/master.key"));
    assertThat(c.maxBodyBytes()).isEqualTo(1_048_576);
    assertThat(c.stepUpWindow()).isEqualTo(Duration.ofSeconds(300));
    assertThat(c.bootstrapTokenFile()).isEqualTo(Path.of("./bindery-data/bootstrap-admin.token"));
    assertThat(c.issuerLabel()).isEqualTo("Bindery");
    assertThat(c.caTrustDomain().value()).isEqualTo("bindery.test");
    assertThat(c.caPublicUrl()).isNull();
    assertThat(c.caImport()).isNull();
    assertThat(c.attestationRoots()).isEmpty();
  }

  @Test
  void attestationRoots_filesAndDirectoriesCommaSeparated_parsedInOrderWithoutDuplicates() throws Exception {
    Path yubico = Files.writeString(dir.resolve("yubico-piv-root.pem"), "x");
    Path google = Files.createDirectory(dir.resolve("google-roots"));

    BinderyConfig c = BinderyConfig.fromSources(Map.of(BinderyConfig.ATTESTATION_ROOTS,
        yubico + " , " + google + "," + yubico), Map.of());

    assertThat(c.attestationRoots()).containsExactly(yubico, google);
    assertThat(BinderyConfig.fromSources(Map.of(), Map.of("BINDERY_ATTESTATION_ROOTS", yubico.toString()))
        .attestationRoots()).containsExactly(yubico);
    assertThat(BinderyConfig.fromSources(Map.of(BinderyConfig.ATTESTATION_ROOTS, " "), Map.of())
        .attestationRoots()).isEmpty();
  }

  @Test
  void attestationRoots_missingPathOrEmptyEntry_rejectedNamingTheKey() throws Exception {
    Path yubico = Files.writeString(dir.resolve("yubico-piv-root.pem"), "x");
    assertThatThrownBy(() -> BinderyConfig.fromSources(Map.of(BinderyConfig.ATTESTATION_ROOTS,
        yubico + ",/nonexistent/google.pem"), Map.of())).isInstanceOf(ConfigException.class)
        .hasMessage(BinderyConfig.ATTESTATION_ROOTS + ": /nonexistent/google.pem is not a readable file or a "
            + "directory");
    assertThatThrownBy(() -> BinderyConfig.fromSources(Map.of(BinderyConfig.ATTESTATION_ROOTS, yubico + ",,"),
        Map.of())).isInstanceOf(ConfigException.class).hasMessageStartingWith(BinderyConfig.ATTESTATION_ROOTS
        + ": has an empty entry");
  }

  @Test
  void rebindingPolicyFile_readableFile_kept_absentOrBlank_defaults() throws Exception {
    Path policy = Files.writeString(dir.resolve("rebinding.json"), "{}");

    assertThat(BinderyConfig.fromSources(Map.of(BinderyConfig.REBINDING_POLICY_FILE, policy.toString()), Map.of())
        .rebindingPolicyFile()).isEqualTo(policy);
    assertThat(BinderyConfig.fromSources(Map.of(), Map.of("BINDERY_REBINDING_POLICY_FILE", policy.toString()))
        .rebindingPolicyFile()).isEqualTo(policy);
    assertThat(BinderyConfig.fromSources(Map.of(), Map.of()).rebindingPolicyFile()).isNull();
    assertThat(BinderyConfig.fromSources(Map.of(BinderyConfig.REBINDING_POLICY_FILE, " "), Map.of())
        .rebindingPolicyFile()).isNull();
  }

  @Test
  void rebindingPolicyFile_missingOrADirectory_rejectedNamingTheKey() {
    assertThatThrownBy(() -> BinderyConfig.fromSources(Map.of(BinderyConfig.REBINDING_POLICY_FILE,
        "/nonexistent/rebinding.json"), Map.of())).isInstanceOf(ConfigException.class)
        .hasMessage(BinderyConfig.REBINDING_POLICY_FILE + ": /nonexistent/rebinding.json is not a readable file");
    assertThatThrownBy(() -> BinderyConfig.fromSources(Map.of(BinderyConfig.REBINDING_POLICY_FILE, dir.toString()),
        Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(BinderyConfig.REBINDING_POLICY_FILE + ": ");
  }

  @Test
  void caKeys_validValues_parsed() throws Exception {
    Path root = Files.writeString(dir.resolve("root.pem"), "x");
    Path intermediate = Files.writeString(dir.resolve("intermediate.pem"), "x");
    Path key = Files.writeString(dir.resolve("intermediate.key"), "x");
    BinderyConfig c = BinderyConfig.fromSources(Map.of(BinderyConfig.CA_TRUST_DOMAIN, "prod.example.com",
        BinderyConfig.CA_PUBLIC_URL, "https://ca.example.com:8443/",
        BinderyConfig.CA_IMPORT_ROOT_CERT_FILE, root.toString(),
        BinderyConfig.CA_IMPORT_INTERMEDIATE_CERT_FILE, intermediate.toString(),
        BinderyConfig.CA_IMPORT_INTERMEDIATE_KEY_FILE, key.toString()), Map.of());
    assertThat(c.caTrustDomain().value()).isEqualTo("prod.example.com");
    assertThat(c.caPublicUrl()).hasToString("https://ca.example.com:8443");
    assertThat(c.caImport()).isEqualTo(new BinderyConfig.CaImportFiles(root, intermediate, key));
    assertThat(BinderyConfig.fromSources(Map.of(), Map.of("BINDERY_CA_TRUST_DOMAIN", "env.example"))
        .caTrustDomain().value()).isEqualTo("env.example");
  }

  @Test
  void caKeys_badValues_rejectedNamingTheKey() throws Exception {
    assertRejected(Map.of(BinderyConfig.CA_TRUST_DOMAIN, "Bindery.Test"), BinderyConfig.CA_TRUST_DOMAIN);
    assertRejected(Map.of(BinderyConfig.CA_TRUST_DOMAIN, "spiffe://bindery.test"), BinderyConfig.CA_TRUST_DOMAIN);
    assertRejected(Map.of(BinderyConfig.CA_PUBLIC_URL, "ftp://ca.example.com"), BinderyConfig.CA_PUBLIC_URL);
    assertRejected(Map.of(BinderyConfig.CA_PUBLIC_URL, "https://ca.example.com/?x=1"), BinderyConfig.CA_PUBLIC_URL);
    assertRejected(Map.of(BinderyConfig.CA_PUBLIC_URL, "not a url"), BinderyConfig.CA_PUBLIC_URL);
    Path root = Files.writeString(dir.resolve("root.pem"), "x");
    assertThatThrownBy(() -> BinderyConfig.fromSources(Map.of(BinderyConfig.CA_IMPORT_ROOT_CERT_FILE, root.toString()),
        Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining(BinderyConfig.CA_IMPORT_INTERMEDIATE_CERT_FILE)
        .hasMessageContaining(BinderyConfig.CA_IMPORT_INTERMEDIATE_KEY_FILE).hasMessageContaining("all three");
    assertRejected(Map.of(BinderyConfig.CA_IMPORT_ROOT_CERT_FILE, root.toString(),
        BinderyConfig.CA_IMPORT_INTERMEDIATE_CERT_FILE, root.toString(),
        BinderyConfig.CA_IMPORT_INTERMEDIATE_KEY_FILE, "/nonexistent/key.pem"),
        BinderyConfig.CA_IMPORT_INTERMEDIATE_KEY_FILE);
  }

  @Test
  void envName_upperCaseWithUnderscores() {
    assertThat(BinderyConfig.envName("bindery.data-dir")).isEqualTo("BINDERY_DATA_DIR");
    assertThat(BinderyConfig.envName("bindery.limits.max-body-bytes")).isEqualTo("BINDERY_LIMITS_MAX_BODY_BYTES");
  }

  @Test
  void load_environmentOverridesFile() throws Exception {
    Path conf = dir.resolve("bindery.conf");
    Files.writeString(conf, "# comment\nbindery.http.port=9000\nbindery.data-dir=" + dir.resolve("data") + "\n");
    BinderyConfig c = BinderyConfig.load(conf, Map.of("BINDERY_HTTP_PORT", "9443", "BINDERY_UNRELATED", "x"));
    assertThat(c.httpPort()).isEqualTo(9443);
    assertThat(c.dataDir()).isEqualTo(dir.resolve("data"));
    assertThat(c.masterKeyFile()).isEqualTo(dir.resolve("data").resolve("master.key"));
  }

  @Test
  void unknownKey_rejectedNamingIt() {
    assertThatThrownBy(() -> BinderyConfig.fromSources(Map.of("bindery.http.prot", "1"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("bindery.http.prot");
  }

  @Test
  void badValues_rejectedNamingTheKey() {
    assertRejected(Map.of(BinderyConfig.HTTP_PORT, "70000"), BinderyConfig.HTTP_PORT);
    assertRejected(Map.of(BinderyConfig.HTTP_PORT, "eighty"), BinderyConfig.HTTP_PORT);
    assertRejected(Map.of(BinderyConfig.HTTP_CORE_ROUTES, "yes"), BinderyConfig.HTTP_CORE_ROUTES);
    assertRejected(Map.of(BinderyConfig.DB_POOL_SIZE, "0"), BinderyConfig.DB_POOL_SIZE);
    assertRejected(Map.of(BinderyConfig.MAX_BODY_BYTES, "-1"), BinderyConfig.MAX_BODY_BYTES);
    assertRejected(Map.of(BinderyConfig.STEP_UP_WINDOW, "0"), BinderyConfig.STEP_UP_WINDOW);
    assertRejected(Map.of(BinderyConfig.TLS_MODE, "none"), BinderyConfig.TLS_MODE);
    assertRejected(Map.of(BinderyConfig.DB_URL, "jdbc:mysql://x"), BinderyConfig.DB_URL);
    assertRejected(Map.of(BinderyConfig.DATA_DIR, "a\u0000b"), BinderyConfig.DATA_DIR);
    assertRejected(Map.of(BinderyConfig.TLS_MODE, "files"), BinderyConfig.TLS_CERT_FILE);
    assertRejected(Map.of(BinderyConfig.TLS_MODE, "files", BinderyConfig.TLS_CERT_FILE, "/nonexistent/cert.pem",
        BinderyConfig.TLS_KEY_FILE, "/nonexistent/key.pem"), BinderyConfig.TLS_CERT_FILE);
    assertRejected(Map.of(BinderyConfig.TLS_CERT_FILE, "/x.pem"), BinderyConfig.TLS_CERT_FILE);
  }

  @Test
  void toString_neverShowsThePassword() {
    BinderyConfig c = BinderyConfig.fromSources(Map.of(BinderyConfig.DB_PASSWORD, "hunter2-secret"), Map.of());
    assertThat(c.toString()).doesNotContain("hunter2-secret");
  }

  private static void assertRejected(Map<String, String> values, String key) {
    assertThatThrownBy(() -> BinderyConfig.fromSources(values, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining(key);
  }
}
