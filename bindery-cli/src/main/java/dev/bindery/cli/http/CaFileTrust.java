package dev.bindery.cli.http;

import dev.bindery.cli.failure.CliFailure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS context that trusts exactly the CA certificates of one PEM file (for instance the CA that
 * {@code bindery dev} writes) and nothing else. Host names are still checked by the HTTP client.
 */
public final class CaFileTrust {
  private CaFileTrust() {}

  /** Reads every certificate in the PEM file; a file without any is a usage error. */
  public static SSLContext sslContextTrusting(Path pemFile) {
    return sslContext(null, pemFile);
  }

  /**
   * A TLS context with the given key managers (a client certificate for mutual TLS, or null for none) that
   * trusts the CA certificates of {@code pemFile}, or the JDK's default trust store when it is null.
   */
  public static SSLContext sslContext(KeyManager[] keyManagers, Path pemFile) {
    KeyStore trusted = pemFile == null ? null : trustStore(pemFile);
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      TrustManager[] trustManagers = tmf.getTrustManagers();
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, trustManagers, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot build a TLS context", e);
    }
  }

  private static KeyStore trustStore(Path pemFile) {
    Collection<? extends Certificate> certificates;
    try (InputStream in = Files.newInputStream(pemFile)) {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException e) {
      throw CliFailure.usage("cannot read CA file " + pemFile + ": " + CliFailure.reason(e));
    } catch (GeneralSecurityException e) {
      throw CliFailure.usage("CA file " + pemFile + " does not hold PEM certificates: " + e.getMessage());
    }
    if (certificates.isEmpty()) {
      throw CliFailure.usage("CA file " + pemFile + " holds no certificate");
    }
    try {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates) {
        trusted.setCertificateEntry("ca-" + i++, certificate);
      }
      return trusted;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("the JDK cannot build a trust store", e);
    }
  }
}
