package dev.bindery.server.tls;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What the HTTPS listener presents and trusts: its certificate chain (leaf first) and key, the CA certificates
 * whose client certificates are validated by PKIX (trust anchors, may be empty), the CA file clients should trust
 * (dev mode only, else null), and intermediate CA certificates that complete a client's chain when the client
 * sends only its leaf (the identity CA's issuing intermediate).
 */
public record TlsMaterial(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> clientCas, Path caFile,
    List<X509Certificate> clientIntermediates) {
  public TlsMaterial {
    chain = List.copyOf(chain);
    Objects.requireNonNull(key);
    clientCas = List.copyOf(clientCas);
    clientIntermediates = List.copyOf(clientIntermediates);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("certificate chain is empty");
    }
  }

  public TlsMaterial(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> clientCas, Path caFile) {
    this(chain, key, clientCas, caFile, List.of());
  }

  /** Also trusts client certificates issued by the identity CA: its root as an anchor, its intermediate as issuer. */
  public TlsMaterial withIdentityCa(X509Certificate root, X509Certificate intermediate) {
    List<X509Certificate> anchors = new java.util.ArrayList<>(clientCas);
    anchors.add(root);
    List<X509Certificate> intermediates = new java.util.ArrayList<>(clientIntermediates);
    intermediates.add(intermediate);
    return new TlsMaterial(chain, key, anchors, caFile, intermediates);
  }

  /**
   * The validation of client certificates: in the listener's handshake, and of chains a trusted proxy forwards
   * ({@link ClientCertificates}), so that both accept exactly the same certificates.
   */
  public ClientCertificateTrustManager clientTrustManager() {
    return new ClientCertificateTrustManager(clientCas, clientIntermediates);
  }

  @Override
  public String toString() {
    return "TlsMaterial[subject=" + chain.get(0).getSubjectX500Principal() + ", caFile=" + caFile + "]";
  }
}
