package dev.bindery.credential;

import dev.bindery.change.ChangeRequestId;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.pki.RevocationReason;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;

/**
 * One credential bound to an identity. Immutable; a state change builds a new value with {@code version + 1},
 * which persistence uses for optimistic concurrency. It never holds a secret or a private key: an API key is
 * kept as its {@link SecretHash}, a certificate or registered key as its public key and thumbprint.
 *
 * <p>Which fields are set depends on the {@link CredentialType}:
 * <ul>
 *   <li>{@code x509_svid}: lineage, generation (from 1), serial, thumbprint (x5t#S256), public key;
 *   <li>{@code public_key}: thumbprint (RFC 7638 JWK thumbprint), public key;
 *   <li>{@code self_signed_certificate}: thumbprint (x5t#S256), public key (its serial is not Bindery's, so it
 *       is not kept);
 *   <li>{@code api_key}: secret hash and display prefix, no key and no thumbprint.
 * </ul>
 * Status {@code active} has no revocation; every other status has a revocation time and reason, and
 * {@code superseded} names the credential that replaced it.
 *
 * @param boundBy who bound it: the operator who created the enrolment code or registered it, the identity
 *     itself for a renewal, or the actor who applied the change request for a re-binding
 * @param notBefore start of validity (issue or registration time when the credential has no own)
 * @param notAfter end of validity, exclusive: at {@code notAfter} the credential is expired
 * @param changeRequestId the change request that bound it (bind method {@code rebinding}), or null
 */
public record Credential(
    CredentialId id,
    IdentityId identityId,
    CredentialType type,
    CredentialStatus status,
    LineageId lineageId,
    int generation,
    BigInteger serial,
    Thumbprint thumbprint,
    PublicKeyDer publicKey,
    SecretHash secretHash,
    String displayPrefix,
    String keyType,
    Instant notBefore,
    Instant notAfter,
    String boundBy,
    Instant boundAt,
    BindMethod bindMethod,
    Assurance assurance,
    Instant lastUsedAt,
    Instant revokedAt,
    RevocationReason revocationReason,
    CredentialId supersededBy,
    ChangeRequestId changeRequestId,
    long version) {

  public Credential {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(identityId, "identityId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(notBefore, "notBefore");
    Objects.requireNonNull(notAfter, "notAfter");
    Objects.requireNonNull(boundBy, "boundBy");
    Objects.requireNonNull(boundAt, "boundAt");
    Objects.requireNonNull(bindMethod, "bindMethod");
    Objects.requireNonNull(assurance, "assurance");
    if (!notBefore.isBefore(notAfter)) {
      throw new IllegalArgumentException("notBefore must be before notAfter");
    }
    if (version < 1) {
      throw new IllegalArgumentException("version starts at 1");
    }
    boolean x509 = type == CredentialType.X509_SVID;
    boolean apiKey = type == CredentialType.API_KEY;
    require(x509 == (lineageId != null), "a lineage is set exactly for x509_svid");
    require(x509 ? generation >= 1 : generation == 0, "generation is 1 or more for x509_svid, 0 otherwise");
    require(x509 == (serial != null), "a serial is set exactly for x509_svid");
    require(serial == null || serial.signum() > 0, "a serial is positive");
    require(apiKey == (thumbprint == null), "every credential but an api_key has a thumbprint");
    require(apiKey == (publicKey == null), "every credential but an api_key has a public key");
    require(apiKey == (keyType == null), "every credential but an api_key has a key type");
    require(apiKey == (secretHash != null), "a secret hash is set exactly for api_key");
    require(apiKey == (displayPrefix != null), "a display prefix is set exactly for api_key");
    require(x509 || bindMethod == BindMethod.REGISTRATION || bindMethod == BindMethod.REBINDING,
        "only an x509_svid is enrolled or renewed");
    require((bindMethod == BindMethod.REBINDING) == (changeRequestId != null),
        "a change request is named exactly for a credential bound by re-binding");
    require(!apiKey || assurance == Assurance.SOFTWARE, "an api_key is never hardware-held");
    boolean revoked = status != CredentialStatus.ACTIVE;
    require(revoked == (revokedAt != null) && revoked == (revocationReason != null),
        "revocation time and reason are set exactly when the status is not active");
    require((status == CredentialStatus.SUPERSEDED) == (supersededBy != null),
        "supersededBy is set exactly for a superseded credential");
    require(x509 || (status != CredentialStatus.SUPERSEDED && status != CredentialStatus.QUARANTINED),
        "only an x509_svid can be superseded or quarantined");
  }

  /** The lowest credential level: a bearer secret ({@code api_key}). */
  public static final int LEVEL_BEARER = 1;
  /** A key-bearing credential whose private key is held in software. */
  public static final int LEVEL_SOFTWARE_KEY = 2;
  /** A key-bearing credential whose hardware custody is attested ({@link Assurance#HARDWARE}). */
  public static final int LEVEL_HARDWARE_KEY = 3;

  /**
   * The credential level of docs/rebinding.md, computed, never taken from a caller: {@code api_key} 1, a
   * software-held key (public key, self-signed certificate, X.509-SVID) 2, an attested hardware-held key 3.
   */
  public static int level(CredentialType type, Assurance assurance) {
    if (type == CredentialType.API_KEY) {
      return LEVEL_BEARER;
    }
    return assurance == Assurance.HARDWARE ? LEVEL_HARDWARE_KEY : LEVEL_SOFTWARE_KEY;
  }

  /** This credential's level; see {@link #level(CredentialType, Assurance)}. */
  public int level() {
    return level(type, assurance);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** True if the credential is past its validity at {@code now} (or not yet valid). */
  public boolean expiredAt(Instant now) {
    return !now.isBefore(notAfter) || now.isBefore(notBefore);
  }

  /**
   * Whether the credential may be used at {@code now}: status active, within its validity, and its identity
   * active. A suspended identity blocks every credential until it is resumed; a retired one revoked them.
   */
  public boolean usable(IdentityStatus identityStatus, Instant now) {
    return status == CredentialStatus.ACTIVE && !expiredAt(now) && identityStatus == IdentityStatus.ACTIVE;
  }

  /** True for every status but active: the credential is in the revocation list (certificates) for good. */
  public boolean revoked() {
    return status != CredentialStatus.ACTIVE;
  }

  public Credential revoke(RevocationReason reason, Instant at) {
    Objects.requireNonNull(reason);
    Objects.requireNonNull(at);
    return new Credential(id, identityId, type, CredentialStatus.REVOKED, lineageId, generation, serial, thumbprint,
        publicKey, secretHash, displayPrefix, keyType, notBefore, notAfter, boundBy, boundAt, bindMethod, assurance,
        lastUsedAt, at, reason, null, changeRequestId, version + 1);
  }

  /** Replaced by a renewal: revoked with reason superseded, pointing at its successor. */
  public Credential supersede(CredentialId successor, Instant at) {
    Objects.requireNonNull(successor);
    return new Credential(id, identityId, type, CredentialStatus.SUPERSEDED, lineageId, generation, serial,
        thumbprint, publicKey, secretHash, displayPrefix, keyType, notBefore, notAfter, boundBy, boundAt, bindMethod,
        assurance, lastUsedAt, at, RevocationReason.SUPERSEDED, successor, changeRequestId, version + 1);
  }

  /** Its lineage was quarantined: revoked with reason key compromise. */
  public Credential quarantine(Instant at) {
    return new Credential(id, identityId, type, CredentialStatus.QUARANTINED, lineageId, generation, serial,
        thumbprint, publicKey, secretHash, displayPrefix, keyType, notBefore, notAfter, boundBy, boundAt, bindMethod,
        assurance, lastUsedAt, at, RevocationReason.KEY_COMPROMISE, null, changeRequestId, version + 1);
  }

  /** The same credential with a new last-use time; the version does not change (use is not a state change). */
  public Credential withLastUsedAt(Instant at) {
    return new Credential(id, identityId, type, status, lineageId, generation, serial, thumbprint, publicKey,
        secretHash, displayPrefix, keyType, notBefore, notAfter, boundBy, boundAt, bindMethod, assurance, at,
        revokedAt, revocationReason, supersededBy, changeRequestId, version);
  }

  /** The serial as lowercase hex, as the API and CRL tools show it, or null. */
  public String serialHex() {
    return serial == null ? null : serial.toString(16);
  }
}
