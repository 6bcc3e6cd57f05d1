package dev.bindery.change;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.credential.Credential;
import dev.bindery.credential.CredentialKeys;
import dev.bindery.credential.Thumbprint;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Continuity proofs (docs/rebinding.md "Continuity proof"): a compact JWS with header
 * {@code {alg, kid: <credential thumbprint>, typ: "bindery-continuity+jwt"}} and payload
 * {@code {chg, nonce, req, iat}}, signed with the private key of a currently bound, active credential of the target.
 *
 * <p>Deny by default: the {@code typ} must be exactly {@value #TYPE}; the {@code alg} must be one accepted for the
 * credential's key type (ES256 for EC P-256, ES384 for EC P-384, EdDSA or Ed25519 for Ed25519, RS256..512 or
 * PS256..512 for RSA; never {@code none} or an HMAC); no {@code crit} header; the four claims present with their
 * types; {@code iat} no earlier than the challenge (less {@link #MAX_SKEW}) and no later than now plus
 * {@link #MAX_SKEW}. Every refusal is {@code continuity_proof_invalid} with a reason.
 */
public final class ContinuityProofs {
  public static final String TYPE = "bindery-continuity+jwt";
  /** The clock skew allowed between the signer and Bindery for {@code iat}. */
  public static final Duration MAX_SKEW = Duration.ofSeconds(60);
  /** The longest proof accepted, in characters (an RSA-8192 signature is about 1,400). */
  public static final int MAX_PROOF_CHARS = 8 * 1024;
  private static final Set<JWSAlgorithm> RSA_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
      JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);

  private ContinuityProofs() {}

  /** A parsed proof whose header and claims have the required shape; its signature is not verified yet. */
  public record Parsed(JWSObject jws, Thumbprint kid, String chg, String nonce, String req, Instant iat) {}

  /** Parses {@code compact} and checks its header and claim shapes. */
  public static Parsed parse(String compact) {
    if (compact == null || compact.isBlank()) {
      throw RejectedException.missing("proof");
    }
    if (compact.length() > MAX_PROOF_CHARS) {
      throw invalid("proof is longer than " + MAX_PROOF_CHARS + " characters");
    }
    JWSObject jws;
    try {
      jws = JWSObject.parse(compact.strip());
    } catch (ParseException e) {
      throw invalid("proof is not a compact jws");
    }
    var header = jws.getHeader();
    if (!new JOSEObjectType(TYPE).equals(header.getType())) {
      throw invalid("proof typ must be '" + TYPE + "'");
    }
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
      throw invalid("proof has critical header parameters bindery does not understand");
    }
    Thumbprint kid;
    try {
      kid = new Thumbprint(header.getKeyID());
    } catch (RejectedException e) {
      throw invalid("proof kid must be the signing credential's thumbprint");
    }
    Map<String, Object> claims = jws.getPayload().toJSONObject();
    if (claims == null) {
      throw invalid("proof payload is not a json object");
    }
    String chg = string(claims, "chg");
    String nonce = string(claims, "nonce");
    String req = string(claims, "req");
    if (!(claims.get("iat") instanceof Number iat) || iat.doubleValue() != iat.longValue()) {
      throw invalid("proof claim 'iat' must be a number of seconds");
    }
    return new Parsed(jws, kid, chg, nonce, req, Instant.ofEpochSecond(iat.longValue()));
  }

  private static String string(Map<String, Object> claims, String name) {
    if (!(claims.get(name) instanceof String s) || s.isEmpty()) {
      throw invalid("proof claim '" + name + "' is missing");
    }
    return s;
  }

  /** Checks {@code iat}: not before the challenge was made, not after now (each with {@link #MAX_SKEW}). */
  public static void checkIssuedAt(Parsed proof, Instant challengeCreated, Instant now) {
    if (proof.iat().isBefore(challengeCreated.minus(MAX_SKEW)) || proof.iat().isAfter(now.plus(MAX_SKEW))) {
      throw invalid("proof iat is outside the challenge's lifetime");
    }
  }

  /** Constant-time comparison of two claim values. */
  public static boolean same(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * True if the proof's signature verifies with {@code credential}'s public key under an algorithm accepted for
   * that key's type; false for any other algorithm, key or signature.
   */
  public static boolean signedBy(Parsed proof, Credential credential) {
    if (credential.publicKey() == null) {
      return false;
    }
    PublicKey key = CredentialKeys.parseSpki(credential.publicKey().der()).orElse(null);
    JWSAlgorithm alg = proof.jws().getHeader().getAlgorithm();
    try {
      if (key instanceof ECPublicKey ec) {
        JWSAlgorithm expected = "EC P-384".equals(credential.keyType()) ? JWSAlgorithm.ES384 : JWSAlgorithm.ES256;
        return alg.equals(expected) && proof.jws().verify(new ECDSAVerifier(ec));
      }
      if (key instanceof RSAPublicKey rsa) {
        return RSA_ALGORITHMS.contains(alg) && proof.jws().verify(new RSASSAVerifier(rsa));
      }
      if (key != null && "Ed25519".equals(credential.keyType())
          && (alg.equals(JWSAlgorithm.EdDSA) || alg.equals(JWSAlgorithm.Ed25519))) {
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(key);
        verifier.update(proof.jws().getSigningInput());
        return verifier.verify(proof.jws().getSignature().decode());
      }
      return false;
    } catch (JOSEException | GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  static RejectedException invalid(String reason) {
    return new RejectedException(ErrorCode.CONTINUITY_PROOF_INVALID, "continuity proof refused: " + reason, "proof");
  }
}
