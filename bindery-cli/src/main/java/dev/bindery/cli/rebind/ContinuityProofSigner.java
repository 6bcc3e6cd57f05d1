package dev.bindery.cli.rebind;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.http.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * Signs a continuity proof (docs/rebinding.md, "Continuity proof") in this process: a compact JWS with header
 * {@code {alg, kid, typ: "bindery-continuity+jwt"}} and payload {@code {chg, nonce, req, iat}}. The algorithm follows
 * the key: ES256 for EC P-256, ES384 for EC P-384, EdDSA for Ed25519, RS256 for RSA (RFC 7518 section 3; the ECDSA
 * signature in the JWS form R || S, RFC 7518 section 3.4). The private key is only used here, never sent or printed.
 */
final class ContinuityProofSigner {
  static final String TYPE = "bindery-continuity+jwt";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private ContinuityProofSigner() {}

  /** The JWS algorithm and the JCA signature that produce it, for this key. */
  record Algorithm(String jws, String jca) {}

  static Algorithm algorithm(PrivateKey key) {
    if (key instanceof ECPrivateKey ec) {
      int bits = ec.getParams().getOrder().bitLength();
      if (bits == 256) {
        return new Algorithm("ES256", "SHA256withECDSAinP1363Format");
      }
      if (bits == 384) {
        return new Algorithm("ES384", "SHA384withECDSAinP1363Format");
      }
      throw CliFailure.usage("the key is on a curve continuity proofs do not use (EC P-256 or P-384)");
    }
    if (key instanceof EdECPrivateKey ed && "Ed25519".equalsIgnoreCase(ed.getParams().getName())) {
      return new Algorithm("EdDSA", "Ed25519");
    }
    if (key instanceof RSAPrivateKey) {
      return new Algorithm("RS256", "SHA256withRSA");
    }
    throw CliFailure.usage("the key is of a type continuity proofs do not use (EC P-256/P-384, Ed25519, RSA)");
  }

  /**
   * The compact JWS over {@code chg}, {@code nonce}, {@code req} and {@code iat}, naming {@code kid}.
   *
   * @param kid the signing credential's thumbprint: x5t#S256 of a certificate, or the RFC 7638 thumbprint of a
   *     registered public key
   */
  static String sign(PrivateKey key, String kid, String chg, String nonce, String req, Instant iat) {
    Objects.requireNonNull(kid, "kid");
    Algorithm alg = algorithm(key);
    ObjectNode header = Json.object();
    header.put("alg", alg.jws());
    header.put("kid", kid);
    header.put("typ", TYPE);
    ObjectNode payload = Json.object();
    payload.put("chg", chg);
    payload.put("nonce", nonce);
    payload.put("req", req);
    payload.put("iat", iat.getEpochSecond());
    String signingInput = part(header) + "." + part(payload);
    try {
      Signature signer = Signature.getInstance(alg.jca());
      signer.initSign(key);
      signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + B64.encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw CliFailure.usage("the key cannot sign with " + alg.jws() + ": " + e.getClass().getSimpleName());
    }
  }

  private static String part(ObjectNode json) {
    try {
      return B64.encodeToString(Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsBytes(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
