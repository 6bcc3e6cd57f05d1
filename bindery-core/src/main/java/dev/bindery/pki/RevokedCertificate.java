package dev.bindery.pki;

import java.math.BigInteger;
import java.time.Instant;

/** One CRL entry. */
public record RevokedCertificate(BigInteger serial, Instant revokedAt, RevocationReason reason) {}
