package dev.bindery.testkit;

import dev.bindery.common.Secret;
import dev.bindery.credential.ApiKeys;
import dev.bindery.credential.Assurance;
import dev.bindery.credential.BindMethod;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialId;
import dev.bindery.credential.CredentialStatus;
import dev.bindery.credential.CredentialType;
import dev.bindery.credential.LineageId;
import dev.bindery.credential.PublicKeyDer;
import dev.bindery.credential.SecretHash;
import dev.bindery.credential.Thumbprint;
import dev.bindery.identity.IdentityId;
import dev.bindery.pki.RevocationReason;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Builders for stored credentials, for repository tests: {@code TestCredentials.x509(identity, lineage, 1)
 * .validFor(Duration.ofHours(24)).build(at)}. Serials, thumbprints, keys (real EC P-256 keys) and API key hashes
 * are fresh random values unless set. Services make their own credentials; these are for the store alone.
 */
public final class TestCredentials {
  private static final SecureRandom RANDOM = new SecureRandom();

  private TestCredentials() {}

  public static Builder x509(IdentityId identity, LineageId lineage, int generation) {
    Builder b = new Builder(CredentialType.X509_SVID, identity);
    b.lineage = lineage;
    b.generation = generation;
    b.serial = new BigInteger(159, RANDOM).setBit(158);
    b.method = generation == 1 ? BindMethod.ENROLMENT : BindMethod.RENEWAL;
    return b;
  }

  public static Builder publicKey(IdentityId identity) {
    return new Builder(CredentialType.PUBLIC_KEY, identity);
  }

  public static Builder selfSigned(IdentityId identity) {
    return new Builder(CredentialType.SELF_SIGNED_CERTIFICATE, identity);
  }

  public static Builder apiKey(IdentityId identity) {
    Builder b = new Builder(CredentialType.API_KEY, identity);
    Secret value = ApiKeys.generate(RANDOM);
    b.secretHash = SecretHash.of(value);
    b.displayPrefix = ApiKeys.displayPrefix(value.reveal());
    return b;
  }

  public static LineageId newLineage() {
    return LineageId.generate(RANDOM);
  }

  /** A fresh EC P-256 public key. */
  public static PublicKeyDer randomKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return PublicKeyDer.of(g.generateKeyPair().getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Thumbprint randomThumbprint() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Thumbprint.sha256(b);
  }

  /** A mutable fixture builder; {@link #build} reads the current settings. */
  public static final class Builder {
    private final CredentialType type;
    private final IdentityId identity;
    private CredentialId id = CredentialId.generate(RANDOM);
    private LineageId lineage;
    private int generation;
    private BigInteger serial;
    private Thumbprint thumbprint;
    private PublicKeyDer key;
    private SecretHash secretHash;
    private String displayPrefix;
    private BindMethod method = BindMethod.REGISTRATION;
    private Duration validity = Duration.ofDays(1);
    private Instant notBefore;
    private Instant lastUsedAt;
    private String boundBy = "op_" + "a".repeat(26);
    private CredentialStatus status = CredentialStatus.ACTIVE;
    private RevocationReason reason;
    private CredentialId supersededBy;

    private Builder(CredentialType type, IdentityId identity) {
      this.type = type;
      this.identity = Objects.requireNonNull(identity);
      if (type != CredentialType.API_KEY) {
        this.thumbprint = randomThumbprint();
        this.key = randomKey();
      }
    }

    public Builder id(CredentialId value) {
      this.id = value;
      return this;
    }

    public Builder serial(BigInteger value) {
      this.serial = value;
      return this;
    }

    public Builder thumbprint(Thumbprint value) {
      this.thumbprint = value;
      return this;
    }

    public Builder key(PublicKeyDer value) {
      this.key = value;
      return this;
    }

    public Builder secretHash(SecretHash value) {
      this.secretHash = value;
      return this;
    }

    public Builder validFor(Duration value) {
      this.validity = value;
      return this;
    }

    /** Validity starts here instead of at the build time. */
    public Builder notBefore(Instant value) {
      this.notBefore = value;
      return this;
    }

    public Builder lastUsedAt(Instant value) {
      this.lastUsedAt = value;
      return this;
    }

    public Builder boundBy(String value) {
      this.boundBy = value;
      return this;
    }

    public Builder revoked(RevocationReason value) {
      this.status = CredentialStatus.REVOKED;
      this.reason = value;
      return this;
    }

    public Builder superseded(CredentialId by) {
      this.status = CredentialStatus.SUPERSEDED;
      this.supersededBy = by;
      return this;
    }

    public Builder quarantined() {
      this.status = CredentialStatus.QUARANTINED;
      return this;
    }

    /** Bound at {@code at}; valid from {@code at} (or {@link #notBefore}) for the validity; revoked at {@code at}. */
    public Credential build(Instant at) {
      Instant from = notBefore == null ? at : notBefore;
      Credential c = new Credential(id, identity, type, CredentialStatus.ACTIVE, lineage, generation, serial,
          thumbprint, key, secretHash, displayPrefix, type == CredentialType.API_KEY ? null : "EC P-256", from,
          from.plus(validity), boundBy, at, method, Assurance.SOFTWARE, lastUsedAt, null, null, null, null, 1);
      return switch (status) {
        case ACTIVE -> c;
        case REVOKED -> c.revoke(reason, at);
        case SUPERSEDED -> c.supersede(supersededBy, at);
        case QUARANTINED -> c.quarantine(at);
      };
    }
  }
}
