package dev.bindery.server.tls;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What the HTTPS listener presents and trusts: its certificate chain (leaf first) and key, the CA certificates
 * whose client certificates are validated by PKIX (may be empty), and the CA file clients should trust (dev mode
 * only, else null).
 */
public record TlsMaterial(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> clientCas, Path caFile) {
  public TlsMaterial {
    chain = List.copyOf(chain);
    Objects.requireNonNull(key);
    clientCas = List.copyOf(clientCas);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("certificate chain is empty");
    }
  }

  @Override
  public String toString() {
    return "TlsMaterial[subject=" + chain.get(0).getSubjectX500Principal() + ", caFile=" + caFile + "]";
  }
}
