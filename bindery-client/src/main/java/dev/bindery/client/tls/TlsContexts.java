package dev.bindery.client.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS contexts for talking to a Bindery server: trust exactly the CA certificates of a PEM file (such as
 * {@code /pki/ca.pem} or the file {@code bindery dev} writes), and optionally present a client certificate
 * (mutual TLS, RFC 8705) from a PEM private key and certificate chain. Host names are still checked by the
 * HTTP client.
 */
public final class TlsContexts {
  private TlsContexts() {}

  /** Trusts the CA certificates in {@code caPemFile} and nothing else; no client certificate. */
  public static SSLContext trusting(Path caPemFile) {
    return context(null, null, Pem.readCertificates(caPemFile));
  }

  /**
   * Presents the client certificate of {@code certificateChainPemFile} (leaf first, optionally followed by
   * intermediates) with the key of {@code privateKeyPemFile}, and trusts the CAs of {@code caPemFile}.
   */
  public static SSLContext mutualTls(Path privateKeyPemFile, Path certificateChainPemFile, Path caPemFile) {
    return context(Pem.readPrivateKey(privateKeyPemFile), Pem.readCertificates(certificateChainPemFile),
        Pem.readCertificates(caPemFile));
  }

  /** The same from keys and certificates already in memory. */
  public static SSLContext mutualTls(PrivateKey key, List<X509Certificate> chain,
      Collection<X509Certificate> trustedCas) {
    Objects.requireNonNull(key, "key");
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("the certificate chain is empty");
    }
    return context(key, chain, trustedCas);
  }

  /** Trusts {@code trustedCas} only. */
  public static SSLContext trusting(Collection<X509Certificate> trustedCas) {
    return context(null, null, trustedCas);
  }

  private static SSLContext context(PrivateKey key, List<X509Certificate> chain,
      Collection<X509Certificate> trustedCas) {
    if (trustedCas.isEmpty()) {
      throw new IllegalArgumentException("no trusted CA certificate");
    }
    try {
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      int i = 0;
      for (X509Certificate ca : trustedCas) {
        trusted.setCertificateEntry("ca-" + i++, ca);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      KeyManagerFactory kmf = null;
      if (key != null) {
        // the password only protects the in-memory key store entry
        char[] password = "bindery-client".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", key, password, chain.toArray(new Certificate[0]));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("the JDK cannot build a TLS context: " + e.getClass().getSimpleName(), e);
    }
  }
}
