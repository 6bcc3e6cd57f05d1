package dev.bindery.credential;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The answer to an enrolment or a renewal: the new X.509-SVID credential, its SPIFFE id, the certificate, and
 * the chain above it (issuing intermediate first, then the root).
 */
public record IssuedSvid(CredentialView credential, String spiffeId, X509Certificate certificate,
    List<X509Certificate> chain) {
  public IssuedSvid {
    Objects.requireNonNull(credential);
    Objects.requireNonNull(spiffeId);
    Objects.requireNonNull(certificate);
    chain = List.copyOf(chain);
  }
}
