package dev.bindery.server.bootstrap;

import dev.bindery.pki.BcCertificateAuthority;
import dev.bindery.pki.CaMaterial;
import dev.bindery.pki.CaMaterialStore;
import dev.bindery.pki.Pem;
import dev.bindery.security.SecretSealer;
import dev.bindery.server.config.BinderyConfig;
import dev.bindery.server.config.ConfigException;
import dev.bindery.server.files.SecureFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings up the identity CA (the CA that issues X.509-SVIDs) at start: the material stored in the database,
 * else an imported CA ({@code bindery.ca.import.*}) or a newly generated one, stored with
 * {@link CaMaterialStore#saveIfAbsent} so that when several nodes start at once they all end up with the one that
 * was stored first. The chain (intermediate, then root) is written to {@code <data-dir>/}{@value #CHAIN_FILE} for
 * workloads and relying parties, and is also served at {@code /pki/ca.pem}.
 */
public final class IdentityCaBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(IdentityCaBootstrap.class);
  public static final String CHAIN_FILE = "identity-ca.pem";
  /** An issuing CA closer than this to its expiry is logged as a warning at every start. */
  static final Duration EXPIRY_WARNING = Duration.ofDays(30);

  private IdentityCaBootstrap() {}

  /**
   * @param derivedPublicUrl the base URL to put in certificates when {@code bindery.ca.public-url} is not set
   * @throws ConfigException when the stored CA belongs to another trust domain, differs from the configured
   *     import, does not open under the master key, or the import files are unusable
   */
  public static BcCertificateAuthority start(BinderyConfig config, CaMaterialStore store, SecretSealer sealer,
      Clock clock, SecureRandom random, URI derivedPublicUrl) {
    Optional<CaMaterial> stored = store.load();
    CaMaterial material;
    if (stored.isPresent()) {
      material = stored.get();
      LOG.info("event=identity_ca_loaded trust_domain={} root_thumbprint={}", material.trustDomain(),
          BcCertificateAuthority.thumbprint(material.root()));
    } else {
      CaMaterial created = config.caImport() != null
          ? importFiles(config, clock.instant(), sealer)
          : CaMaterial.generate(config.caTrustDomain(), clock.instant(), random, sealer);
      if (store.saveIfAbsent(created)) {
        material = created;
        LOG.info("event=identity_ca_created source={} trust_domain={} root_thumbprint={}",
            config.caImport() != null ? "imported" : "generated", material.trustDomain(),
            BcCertificateAuthority.thumbprint(material.root()));
      } else {
        material = store.load().orElseThrow(() -> new IllegalStateException(
            "the CA store refused new material but holds none"));
        LOG.info("event=identity_ca_loaded_from_other_node trust_domain={} root_thumbprint={}",
            material.trustDomain(), BcCertificateAuthority.thumbprint(material.root()));
      }
    }
    checkAgainstConfig(config, material);
    URI publicUrl = config.caPublicUrl() != null ? config.caPublicUrl() : derivedPublicUrl;
    if (config.caPublicUrl() == null && (config.httpPort() == 0
        || List.of("0.0.0.0", "::", "0:0:0:0:0:0:0:0").contains(config.httpHost()))) {
      LOG.warn("event=identity_ca_public_url_guessed url={} hint=set {} to the URL clients reach this server at",
          publicUrl, BinderyConfig.CA_PUBLIC_URL);
    }
    BcCertificateAuthority ca;
    try {
      ca = new BcCertificateAuthority(material, sealer, publicUrl, random);
    } catch (IllegalStateException e) {
      throw new ConfigException(BinderyConfig.MASTER_KEY_FILE + ": the identity CA's private key stored in the "
          + "database does not open under this master key (" + config.masterKeyFile() + "); use the master key the "
          + "CA was created with", e);
    }
    warnIfExpiring(material.intermediate(), clock.instant());
    Path chainFile = config.dataDir().resolve(CHAIN_FILE);
    try {
      SecureFiles.writeAtomically(chainFile, Pem.certificates(ca.chain()).getBytes(StandardCharsets.US_ASCII), false);
    } catch (IOException e) {
      throw new ConfigException(BinderyConfig.DATA_DIR + ": cannot write " + chainFile + ": " + e.getMessage(), e);
    }
    LOG.info("event=identity_ca_ready trust_domain={} chain_file={} crl_url={} ocsp_url={}", ca.trustDomain(),
        chainFile.toAbsolutePath(), ca.crlUrl(), ca.ocspUrl());
    return ca;
  }

  private static CaMaterial importFiles(BinderyConfig config, Instant now, SecretSealer sealer) {
    BinderyConfig.CaImportFiles files = config.caImport();
    String keyName = BinderyConfig.CA_IMPORT_INTERMEDIATE_KEY_FILE;
    try {
      if (SecureFiles.readableByOthers(files.intermediateKeyFile())) {
        throw new ConfigException(keyName + ": " + files.intermediateKeyFile()
            + " is readable or writable by group or others; chmod 600 it");
      }
      return CaMaterial.importPem(config.caTrustDomain(), read(files.rootCertFile()),
          read(files.intermediateCertFile()), read(files.intermediateKeyFile()), now, sealer);
    } catch (IOException e) {
      throw new ConfigException("bindery.ca.import.*: cannot read the CA files: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("bindery.ca.import.*: " + e.getMessage(), e);
    }
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.US_ASCII);
  }

  private static void checkAgainstConfig(BinderyConfig config, CaMaterial material) {
    if (!material.trustDomain().equals(config.caTrustDomain())) {
      throw new ConfigException(BinderyConfig.CA_TRUST_DOMAIN + ": is '" + config.caTrustDomain()
          + "' but the identity CA in the database is for '" + material.trustDomain()
          + "'; the trust domain cannot change once its CA exists");
    }
    if (config.caImport() != null) {
      List<X509Certificate> configured;
      try {
        configured = List.of(Pem.parseCertificates(read(config.caImport().rootCertFile())).get(0),
            Pem.parseCertificates(read(config.caImport().intermediateCertFile())).get(0));
      } catch (IOException | IllegalArgumentException e) {
        throw new ConfigException("bindery.ca.import.*: cannot read the CA certificates: " + e.getMessage(), e);
      }
      if (!configured.equals(List.of(material.root(), material.intermediate()))) {
        throw new ConfigException("bindery.ca.import.*: the database already holds another identity CA (root "
            + BcCertificateAuthority.thumbprint(material.root()) + "); remove the bindery.ca.import.* settings to "
            + "keep using it");
      }
    }
  }

  private static void warnIfExpiring(X509Certificate intermediate, Instant now) {
    Instant end = intermediate.getNotAfter().toInstant();
    if (!now.isBefore(end)) {
      LOG.error("event=identity_ca_expired not_after={} effect=no_certificates_can_be_issued", end);
    } else if (now.plus(EXPIRY_WARNING).isAfter(end)) {
      LOG.warn("event=identity_ca_expiring not_after={}", end);
    }
  }
}
