package dev.bindery.pki;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * A certificate the CA issued and validated.
 *
 * @param thumbprint base64url SHA-256 of the certificate DER (the RFC 8705 {@code x5t#S256})
 */
public record IssuedCertificate(X509Certificate certificate, BigInteger serial, String thumbprint,
    Instant notBefore, Instant notAfter) {}
