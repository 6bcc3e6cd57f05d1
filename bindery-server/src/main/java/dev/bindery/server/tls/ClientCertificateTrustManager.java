package dev.bindery.server.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Decides which client certificates the TLS handshake accepts (client authentication is wanted, not needed).
 * First a PKIX validation against Bindery's CA certificates (the trust anchors: a configured client CA and the
 * identity CA's root); a client that sends only its leaf has its chain completed with the known intermediate
 * (the identity CA's issuing CA) that names its issuer. If that fails, a chain of exactly one self-signed
 * certificate whose signature and dates are valid is accepted (the application then requires the certificate's
 * registered {@code x5t#S256}, RFC 8705 section 2.2); anything else fails the handshake.
 *
 * <p>{@link #getAcceptedIssuers()} is deliberately empty: a server that names its CA in the CertificateRequest
 * makes clients that hold only a self-signed certificate silently send none.
 */
public final class ClientCertificateTrustManager extends X509ExtendedTrustManager {
  private final Set<TrustAnchor> anchors;
  private final List<X509Certificate> anchorCertificates;
  private final List<X509Certificate> intermediates;

  public ClientCertificateTrustManager(List<X509Certificate> caCertificates) {
    this(caCertificates, List.of());
  }

  /**
   * @param caCertificates trust anchors
   * @param intermediates CA certificates that may complete a client's chain; they are never anchors themselves
   */
  public ClientCertificateTrustManager(List<X509Certificate> caCertificates, List<X509Certificate> intermediates) {
    Set<TrustAnchor> a = new HashSet<>();
    caCertificates.forEach(c -> a.add(new TrustAnchor(c, null)));
    this.anchors = Set.copyOf(a);
    this.anchorCertificates = List.copyOf(caCertificates);
    this.intermediates = List.copyOf(intermediates);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("empty client certificate chain");
    }
    if (!anchors.isEmpty() && pkixValid(chain)) {
      return;
    }
    if (chain.length == 1 && selfSignedAndCurrent(chain[0])) {
      return;
    }
    throw new CertificateException("client certificate is neither issued by Bindery's CA nor a single self-signed certificate");
  }

  private boolean pkixValid(X509Certificate[] chain) {
    try {
      var path = CertificateFactory.getInstance("X.509").generateCertPath(completed(chain));
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false); // revocation of Bindery-issued certificates is checked by the application
      CertPathValidator.getInstance("PKIX").validate(path, params);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * The client's chain without a trailing trust anchor (a path ends below its anchor), followed by the known
   * intermediate that issued its last certificate when the client left it out.
   */
  private List<X509Certificate> completed(X509Certificate[] chain) {
    List<X509Certificate> path = new ArrayList<>(Arrays.asList(chain));
    while (path.size() > 1 && anchorCertificates.contains(path.get(path.size() - 1))) {
      path.remove(path.size() - 1);
    }
    X509Certificate last = path.get(path.size() - 1);
    for (X509Certificate intermediate : intermediates) {
      if (!intermediate.equals(last) && intermediate.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
        path.add(intermediate);
        break;
      }
    }
    return path;
  }

  private static boolean selfSignedAndCurrent(X509Certificate c) {
    try {
      if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
        return false;
      }
      c.verify(c.getPublicKey());
      c.checkValidity();
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("the server's trust manager does not check servers");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  /** Empty on purpose; see the class comment. */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
