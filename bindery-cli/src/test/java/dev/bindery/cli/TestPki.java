package dev.bindery.cli;

import java.io.StringWriter;
import java.math.BigInteger;
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
import java.security.cert.CertificateException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A CA and a server certificate for 127.0.0.1, generated at run time for the TLS tests. */
final class TestPki {
  final X509Certificate ca;
  final SSLContext serverContext;
  private final KeyManager[] serverKeyManagers;

  private TestPki(X509Certificate ca, KeyManager[] serverKeyManagers) throws Exception {
    this.ca = ca;
    this.serverKeyManagers = serverKeyManagers;
    this.serverContext = SSLContext.getInstance("TLS");
    serverContext.init(serverKeyManagers, null, null);
  }

  /**
   * The server context for {@link FakeBinderyServer#mutualTls}: it asks for a client certificate naming no
   * CA (an empty accepted-issuers list, as Bindery's server does, so that a client sends whatever it holds)
   * and accepts any chain at the handshake; the fake records it.
   */
  SSLContext mutualTlsServerContext() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(serverKeyManagers, new TrustManager[] {new AnyClientCertificate()}, null);
    return context;
  }

  private static final class AnyClientCertificate implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new CertificateException("no client certificate");
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("a server context does not check servers");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  static TestPki generate() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair caKey = generator.generateKeyPair();
    KeyPair serverKey = generator.generateKeyPair();
    Instant now = Instant.now();
    X500Name caName = new X500Name("CN=Bindery CLI test CA");

    JcaX509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE,
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), caName,
        caKey.getPublic());
    caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    caBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    X509Certificate ca = sign(caBuilder, caKey);

    JcaX509v3CertificateBuilder serverBuilder = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO,
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))),
        new X500Name("CN=127.0.0.1"), serverKey.getPublic());
    serverBuilder.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    serverBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    X509Certificate serverCertificate = sign(serverBuilder, caKey);

    char[] password = "test".toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("server", serverKey.getPrivate(), password, new Certificate[] {serverCertificate, ca});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    return new TestPki(ca, kmf.getKeyManagers());
  }

  String caPem() throws Exception {
    StringWriter pem = new StringWriter();
    pem.write("-----BEGIN CERTIFICATE-----\n");
    pem.write(Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(ca.getEncoded()));
    pem.write("\n-----END CERTIFICATE-----\n");
    return pem.toString();
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair issuerKey) throws Exception {
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
  }
}
