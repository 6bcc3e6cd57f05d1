package dev.bindery.server.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.pki.BcCertificateAuthority;
import dev.bindery.pki.CaMaterial;
import dev.bindery.pki.CaMaterialStore;
import dev.bindery.pki.Pem;
import dev.bindery.pki.TrustDomain;
import dev.bindery.security.SecretSealer;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.server.config.ConfigException;
import dev.bindery.testkit.MutableClock;
import dev.bindery.testkit.pki.InMemoryCaMaterialStore;
import dev.bindery.testkit.pki.TestCa;
import dev.bindery.testkit.pki.TestCsr;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityCaBootstrapTest {
  private static final URI DERIVED = URI.create("https://127.0.0.1:8443");
  @TempDir Path dir;
  private final MutableClock clock = MutableClock.standard();
  private final SecretSealer sealer = TestCa.sealer();
  private final InMemoryCaMaterialStore store = new InMemoryCaMaterialStore();

  private BinderyConfig config(Map<String, String> extra) {
    Map<String, String> v = new HashMap<>();
    v.put(BinderyConfig.DATA_DIR, dir.resolve("data").toString());
    v.putAll(extra);
    return BinderyConfig.fromSources(v, Map.of());
  }

  private BcCertificateAuthority start(BinderyConfig config, CaMaterialStore s) {
    return IdentityCaBootstrap.start(config, s, sealer, clock, new SecureRandom(), DERIVED);
  }

  @Test
  void start_emptyStore_generatesStoresAndWritesChainFile() throws Exception {
    BcCertificateAuthority ca = start(config(Map.of()), store);

    CaMaterial stored = store.load().orElseThrow();
    assertThat(ca.root()).isEqualTo(stored.root());
    assertThat(ca.trustDomain()).isEqualTo("bindery.test");
    assertThat(stored.createdAt()).isEqualTo(clock.instant());
    assertThat(ca.crlUrl()).isEqualTo("https://127.0.0.1:8443/pki/crl");
    Path chain = dir.resolve("data").resolve(IdentityCaBootstrap.CHAIN_FILE);
    assertThat(Pem.parseCertificates(Files.readString(chain))).containsExactly(stored.intermediate(), stored.root());
    assertThat(Files.getPosixFilePermissions(chain)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
  }

  @Test
  void start_again_loadsTheStoredCa() {
    BcCertificateAuthority first = start(config(Map.of()), store);
    BcCertificateAuthority second = start(config(Map.of()), store);
    assertThat(second.chain()).isEqualTo(first.chain());
  }

  @Test
  void start_anotherNodeStoredFirst_usesThatNodesCa() {
    CaMaterial winner = TestCa.create(clock.instant()).material();
    CaMaterialStore racing = new CaMaterialStore() {
      private boolean stored;

      @Override
      public Optional<CaMaterial> load() {
        return stored ? Optional.of(winner) : Optional.empty(); // empty at first: the other node had not finished
      }

      @Override
      public boolean saveIfAbsent(CaMaterial material) {
        stored = true;
        return false;
      }
    };

    BcCertificateAuthority ca = start(config(Map.of()), racing);

    assertThat(ca.root()).isEqualTo(winner.root());
  }

  @Test
  void start_configuredTrustDomainAndPublicUrl_used() {
    BcCertificateAuthority ca = start(config(Map.of(BinderyConfig.CA_TRUST_DOMAIN, "prod.example.com",
        BinderyConfig.CA_PUBLIC_URL, "https://ca.example.com/")), store);
    assertThat(ca.trustDomain()).isEqualTo("prod.example.com");
    assertThat(ca.ocspUrl()).isEqualTo("https://ca.example.com/pki/ocsp");
    assertThat(store.load().orElseThrow().trustDomain()).isEqualTo(new TrustDomain("prod.example.com"));
  }

  @Test
  void start_storedCaOfAnotherTrustDomain_refusedNamingTheKey() {
    start(config(Map.of()), store);
    assertThatThrownBy(() -> start(config(Map.of(BinderyConfig.CA_TRUST_DOMAIN, "other.test")), store))
        .isInstanceOf(ConfigException.class).hasMessageContaining(BinderyConfig.CA_TRUST_DOMAIN)
        .hasMessageContaining("'bindery.test'");
  }

  @Test
  void start_otherMasterKey_refusedNamingTheMasterKey() {
    start(config(Map.of()), store);
    byte[] other = new byte[32];
    Arrays.fill(other, (byte) 1);
    assertThatThrownBy(() -> IdentityCaBootstrap.start(config(Map.of()), store,
        new SecretSealer(other, new SecureRandom()), clock, new SecureRandom(), DERIVED))
        .isInstanceOf(ConfigException.class).hasMessageContaining(BinderyConfig.MASTER_KEY_FILE);
  }

  /** Writes a CA's files as an operator would supply them; returns the import settings. */
  private Map<String, String> importFiles(TestCa source, String keyPermissions) throws Exception {
    Path root = dir.resolve("root.pem");
    Path intermediate = dir.resolve("intermediate.pem");
    Path key = dir.resolve("intermediate.key");
    Files.writeString(root, Pem.certificate(source.material().root()));
    Files.writeString(intermediate, Pem.certificate(source.material().intermediate()));
    byte[] pkcs8 = TestCa.sealer().open(source.material().sealedIntermediateKey(),
        CaMaterial.INTERMEDIATE_KEY_AD.getBytes(StandardCharsets.US_ASCII));
    KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8)); // it is a key
    Files.writeString(key, TestCsr.pem("PRIVATE KEY", pkcs8));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString(keyPermissions));
    return Map.of(BinderyConfig.CA_IMPORT_ROOT_CERT_FILE, root.toString(),
        BinderyConfig.CA_IMPORT_INTERMEDIATE_CERT_FILE, intermediate.toString(),
        BinderyConfig.CA_IMPORT_INTERMEDIATE_KEY_FILE, key.toString());
  }

  @Test
  void start_importFiles_importsWithoutRootKey_andRestartWithSameFilesKeepsIt() throws Exception {
    TestCa source = TestCa.create(clock.instant());
    Map<String, String> imports = importFiles(source, "rw-------");

    BcCertificateAuthority ca = start(config(imports), store);

    assertThat(ca.chain()).isEqualTo(source.material().chain());
    assertThat(store.load().orElseThrow().sealedRootKey()).isNull();
    assertThat(start(config(imports), store).chain()).isEqualTo(source.material().chain());
  }

  @Test
  void start_importKeyReadableByOthers_refused() throws Exception {
    Map<String, String> imports = importFiles(TestCa.create(clock.instant()), "rw-r--r--");
    assertThatThrownBy(() -> start(config(imports), store)).isInstanceOf(ConfigException.class)
        .hasMessageContaining(BinderyConfig.CA_IMPORT_INTERMEDIATE_KEY_FILE).hasMessageContaining("chmod 600");
    assertThat(store.load()).isEmpty();
  }

  @Test
  void start_importOfBrokenCa_refusedAndNothingStored() throws Exception {
    Map<String, String> imports = new HashMap<>(importFiles(TestCa.create(clock.instant()), "rw-------"));
    Path otherRoot = dir.resolve("other-root.pem");
    Files.writeString(otherRoot, Pem.certificate(TestCa.create(clock.instant()).material().root()));
    imports.put(BinderyConfig.CA_IMPORT_ROOT_CERT_FILE, otherRoot.toString());

    assertThatThrownBy(() -> start(config(imports), store)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("bindery.ca.import.*").hasMessageContaining("not signed by the root certificate");
    assertThat(store.load()).isEmpty();
  }

  @Test
  void start_importDiffersFromStoredCa_refused() throws Exception {
    start(config(Map.of()), store);
    Map<String, String> imports = importFiles(TestCa.create(clock.instant()), "rw-------");
    assertThatThrownBy(() -> start(config(imports), store)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("already holds another identity CA");
  }
}
