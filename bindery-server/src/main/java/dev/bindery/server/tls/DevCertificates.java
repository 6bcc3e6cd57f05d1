package dev.bindery.server.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Development TLS: a root CA (EC P-256, {@code ca.pem}) and a server certificate for {@code localhost},
 * {@code 127.0.0.1} and {@code ::1} signed by it, kept in {@code <data-dir>/tls} between restarts so that a
 * client that trusts {@code ca.pem} keeps working. Anything expired (or about to) is regenerated; a new CA
 * also means a new server certificate. Private keys are written owner-only. Never for production.
 *
 * <p>Validity is judged by the real time of this machine, not an injected test clock: TLS peers check
 * certificates against their own clocks.
 */
public final class DevCertificates {
  private static final Logger LOG = LoggerFactory.getLogger(DevCertificates.class);
  static final Duration CA_LIFETIME = Duration.ofDays(3650);
  static final Duration SERVER_LIFETIME = Duration.ofDays(365);
  /** Regenerate before expiry so a running dev server does not expire under its users within a day. */
  static final Duration RENEW_BEFORE = Duration.ofDays(1);

  private DevCertificates() {}

  public static TlsMaterial ensure(Path dataDir) {
    Path dir = dataDir.resolve("tls");
    Path caPem = dir.resolve("ca.pem");
    Path caKey = dir.resolve("ca.key");
    Path serverPem = dir.resolve("server.pem");
    Path serverKey = dir.resolve("server.key");
    Instant now = Instant.now();
    SecureRandom random = new SecureRandom();
    try {
      X509Certificate ca;
      PrivateKey caPrivate;
      boolean newCa = !(Files.exists(caPem) && Files.exists(caKey))
          || !usable(PemFiles.readCertificates(caPem).get(0), now);
      if (newCa) {
        KeyPair kp = ecKeyPair(random);
        ca = caCertificate(kp, now, random);
        caPrivate = kp.getPrivate();
        PemFiles.writePrivate(caKey, caPrivate);
        PemFiles.writePublic(caPem, ca);
        LOG.info("event=dev_ca_generated file={}", caPem.toAbsolutePath());
      } else {
        ca = PemFiles.readCertificates(caPem).get(0);
        caPrivate = PemFiles.readPrivateKey(caKey);
      }
      X509Certificate server;
      PrivateKey serverPrivate;
      boolean newServer = newCa || !(Files.exists(serverPem) && Files.exists(serverKey))
          || !usable(PemFiles.readCertificates(serverPem).get(0), now)
          || !issuedBy(PemFiles.readCertificates(serverPem).get(0), ca);
      if (newServer) {
        KeyPair kp = ecKeyPair(random);
        server = serverCertificate(kp.getPublic(), ca, caPrivate, now, random);
        serverPrivate = kp.getPrivate();
        PemFiles.writePrivate(serverKey, serverPrivate);
        PemFiles.writePublic(serverPem, server, ca);
        LOG.info("event=dev_server_certificate_generated file={}", serverPem.toAbsolutePath());
      } else {
        server = PemFiles.readCertificates(serverPem).get(0);
        serverPrivate = PemFiles.readPrivateKey(serverKey);
      }
      return new TlsMaterial(List.of(server, ca), serverPrivate, List.of(), caPem);
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot prepare development TLS material in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static boolean usable(X509Certificate c, Instant now) {
    return !now.isBefore(c.getNotBefore().toInstant()) && now.plus(RENEW_BEFORE).isBefore(c.getNotAfter().toInstant());
  }

  private static boolean issuedBy(X509Certificate c, X509Certificate ca) {
    try {
      c.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static KeyPair ecKeyPair(SecureRandom random) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), random);
    return g.generateKeyPair();
  }

  private static X509Certificate caCertificate(KeyPair kp, Instant now, SecureRandom random)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    X500Principal name = new X500Principal("CN=Bindery development CA " + now.getEpochSecond());
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(random),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(CA_LIFETIME)), name, kp.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
        .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
    return sign(b, kp.getPrivate());
  }

  private static X509Certificate serverCertificate(PublicKey key, X509Certificate ca, PrivateKey caKey, Instant now,
      SecureRandom random) throws GeneralSecurityException, OperatorCreationException, IOException {
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(random),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(SERVER_LIFETIME)),
        new X500Principal("CN=localhost"), key)
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"),
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
            new GeneralName(GeneralName.iPAddress, "::1")}))
        .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key))
        .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
    return sign(b, caKey);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws GeneralSecurityException, OperatorCreationException {
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }
}
