package dev.bindery.change;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.bindery.common.RejectedException;
import dev.bindery.credential.CredentialId;
import dev.bindery.credential.CredentialKeys;
import dev.bindery.credential.CredentialType;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.Text;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A change request as a caller makes it, checked for shape (the keys, chains and credentials it names are verified
 * by {@link ChangeRequestService#create}). The proposed credential is either an X.509-SVID to issue from
 * {@code csrPem} or a public key {@code jwk} (JSON) to register until {@code expiresAt}; {@code attestationPem} is an
 * optional attestation chain (PEM certificates, leaf first) proving the key's hardware custody.
 *
 * <p>Refused ({@code missing_field}/{@code invalid_field}): no type or target; a reason missing or over 1000
 * characters; {@code replaces} empty, over {@value ChangeRequest#MAX_REPLACES} or with a duplicate; a CSR together
 * with a JWK, or neither; an expiry with a CSR, or a JWK without one.
 */
public record NewChangeRequest(
    ChangeType type,
    IdentityId target,
    String reason,
    String csrPem,
    String jwk,
    Instant expiresAt,
    String attestationPem,
    List<CredentialId> replaces,
    boolean downgrade) {

  /** The longest attestation chain accepted, in PEM characters. */
  public static final int MAX_ATTESTATION_CHARS = 64 * 1024;

  public NewChangeRequest {
    if (type == null) {
      throw RejectedException.missing("type");
    }
    if (target == null) {
      throw RejectedException.missing("target");
    }
    reason = Text.required("reason", reason, ChangeRequest.MAX_REASON);
    if (replaces == null || replaces.isEmpty()) {
      throw RejectedException.missing("replaces");
    }
    replaces = List.copyOf(replaces);
    if (replaces.size() > ChangeRequest.MAX_REPLACES) {
      throw RejectedException.invalid("replaces", "'replaces' names at most " + ChangeRequest.MAX_REPLACES
          + " credentials");
    }
    if (new HashSet<>(replaces).size() != replaces.size()) {
      throw RejectedException.invalid("replaces", "'replaces' names a credential twice");
    }
    if ((csrPem == null) == (jwk == null)) {
      throw RejectedException.invalid("proposed", "propose exactly one new credential: a 'csr' or a 'jwk'");
    }
    if (csrPem != null && expiresAt != null) {
      throw RejectedException.invalid("expires_at", "'expires_at' is for a public key; a certificate's lifetime "
          + "comes from the rotation policy");
    }
    if (jwk != null && expiresAt == null) {
      throw RejectedException.missing("expires_at");
    }
    if (jwk != null && jwk.length() > CredentialKeys.MAX_TEXT_CHARS) {
      throw RejectedException.invalid("jwk", "jwk is larger than " + CredentialKeys.MAX_TEXT_CHARS + " characters");
    }
    if (attestationPem != null && (attestationPem.isBlank() || attestationPem.length() > MAX_ATTESTATION_CHARS)) {
      throw RejectedException.invalid("attestation", "'attestation' must be 1 to " + MAX_ATTESTATION_CHARS
          + " characters of pem certificates");
    }
  }

  /** A request to issue an X.509-SVID from {@code csrPem}. */
  public static NewChangeRequest forCsr(ChangeType type, IdentityId target, String reason, String csrPem,
      String attestationPem, List<CredentialId> replaces, boolean downgrade) {
    return new NewChangeRequest(type, target, reason, Objects.requireNonNull(csrPem, "csrPem"), null, null,
        attestationPem, replaces, downgrade);
  }

  /** A request to register the public key {@code jwk} (JSON members) until {@code expiresAt}. */
  public static NewChangeRequest forJwk(ChangeType type, IdentityId target, String reason, Map<String, Object> jwk,
      Instant expiresAt, String attestationPem, List<CredentialId> replaces, boolean downgrade) {
    return new NewChangeRequest(type, target, reason, null,
        JSONObjectUtils.toJSONString(Objects.requireNonNull(jwk, "jwk")), expiresAt, attestationPem, replaces,
        downgrade);
  }

  public CredentialType proposedType() {
    return csrPem != null ? CredentialType.X509_SVID : CredentialType.PUBLIC_KEY;
  }
}
