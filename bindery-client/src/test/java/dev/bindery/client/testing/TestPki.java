package dev.bindery.client.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI generated at run time with BouncyCastle: a CA, a TLS server certificate for 127.0.0.1,
 * and client certificates whose URI SAN names an identity (as Bindery issues them). Certificates are valid
 * around the real time, because TLS checks them with the real clock.
 */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(100);

  /** A client: key pair and certificate. */
  public record Client(KeyPair keyPair, X509Certificate certificate) {}

  private final String name;
  private final KeyPair caKey;
  private final X509Certificate ca;
  private final KeyPair serverKey;
  private final X509Certificate serverCertificate;

  private TestPki(String name) throws Exception {
    this.name = name;
    this.caKey = ecKey();
    X500Name caName = new X500Name("CN=" + name + " test CA");
    JcaX509v3CertificateBuilder caBuilder = builder(caName, caName, caKey);
    caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    caBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    this.ca = sign(caBuilder, caKey);
    this.serverKey = ecKey();
    JcaX509v3CertificateBuilder server = builder(caName, new X500Name("CN=127.0.0.1"), serverKey);
    server.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
    server.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    server.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    this.serverCertificate = sign(server, caKey);
  }

  public static TestPki generate(String name) {
    try {
      return new TestPki(name);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public X509Certificate ca() {
    return ca;
  }

  /** A client certificate for {@code spiffe://bindery.test/nhi/<identityId>}. */
  public Client client(String identityId) {
    try {
      KeyPair key = ecKey();
      JcaX509v3CertificateBuilder b = builder(new X500Name("CN=" + name + " test CA"),
          new X500Name("CN=" + identityId), key);
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
          new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://bindery.test/nhi/" + identityId)));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      return new Client(key, sign(b, caKey));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Trusts this CA only. */
  public SSLContext trustContext() {
    return context(null, null, List.of(ca));
  }

  /** A client presenting {@code client}'s certificate and trusting this CA (or {@code serverCa}). */
  public SSLContext clientContext(Client client, X509Certificate serverCa) {
    return context(client.keyPair(), client.certificate(), List.of(serverCa));
  }

  /** The server side: presents the 127.0.0.1 certificate and trusts client certificates of these CAs. */
  public SSLContext serverContext(List<X509Certificate> clientCas) {
    return context(serverKey, serverCertificate, clientCas);
  }

  public void writeCaPem(Path file) throws Exception {
    Files.writeString(file, pem("CERTIFICATE", ca.getEncoded()), StandardCharsets.US_ASCII);
  }

  public static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static SSLContext context(KeyPair key, X509Certificate certificate, List<X509Certificate> trusted) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      int i = 0;
      for (X509Certificate c : trusted) {
        trust.setCertificateEntry("ca" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (key != null) {
        char[] password = "test".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("key", key.getPrivate(), password, new Certificate[] {certificate});
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyPair ecKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair key) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
        key.getPublic());
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair issuerKey) throws Exception {
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
  }

  static InetAddress loopback() {
    return InetAddress.getLoopbackAddress();
  }
}
