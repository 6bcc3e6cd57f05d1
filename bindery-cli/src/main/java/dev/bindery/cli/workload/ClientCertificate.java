package dev.bindery.cli.workload;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/**
 * The key managers that present a workload's current certificate chain in the TLS handshake (mutual TLS,
 * RFC 8446 section 4.4.2), built from its PEM key and certificate files. The key stays in this process: it
 * is put in an in-memory key store under a random password that is never written anywhere.
 */
public final class ClientCertificate {
  private ClientCertificate() {}

  public static KeyManager[] keyManagers(PrivateKey key, List<X509Certificate> chain) {
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    char[] password = Base64.getEncoder().encodeToString(random).toCharArray();
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("workload", key, password, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, password);
      return factory.getKeyManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("the JDK cannot hold the client key for TLS", e);
    } finally {
      Arrays.fill(password, '\0');
      Arrays.fill(random, (byte) 0);
    }
  }
}
