package dev.bindery.credential;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.common.Secret;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * What a reported leaked value is, reduced to the digests it can be matched on; the value itself is never kept.
 * A value that is none of the accepted kinds, or is one but does not parse (a mistyped API key, a broken PEM),
 * is {@link Unrecognised}: it cannot match anything, and the reporter is told only that.
 */
sealed interface LeakedValue {
  /** Longest value accepted; anything longer is refused as bad input. */
  int MAX_CHARS = 64 * 1024;

  /** A short word for the audit log: what kind of value was reported (never the value). */
  String kind();

  /** A well-formed API key with a valid checksum. */
  record ApiKey(SecretHash hash) implements LeakedValue {
    @Override
    public String kind() {
      return "api_key";
    }
  }

  /** A certificate: matches its own thumbprint and every credential bound to its public key. */
  record Certificate(Thumbprint x5tS256, Thumbprint publicKey) implements LeakedValue {
    @Override
    public String kind() {
      return "certificate";
    }
  }

  /** A public key (PEM SubjectPublicKeyInfo or JWK, private JWKs included). */
  record PublicKey(Thumbprint jwkThumbprint, Thumbprint publicKey) implements LeakedValue {
    @Override
    public String kind() {
      return jwkThumbprint == null ? "public_key" : "jwk";
    }
  }

  /** An access token this server signed ({@link LeakedAccessTokens}): matches its jti and its binding. */
  record AccessToken(LeakedAccessToken token) implements LeakedValue {
    @Override
    public String kind() {
      return "access_token";
    }
  }

  record Unrecognised() implements LeakedValue {
    @Override
    public String kind() {
      return "unrecognised";
    }
  }

  static LeakedValue classify(String value) {
    return classify(value, LeakedAccessTokens.NONE);
  }

  /**
   * Classifies {@code value}; an access token is recognised by {@code tokens}, whose refusal of a forged one
   * propagates.
   */
  static LeakedValue classify(String value, LeakedAccessTokens tokens) {
    if (value == null || value.isBlank()) {
      throw RejectedException.missing("value");
    }
    if (value.length() > MAX_CHARS) {
      throw RejectedException.invalid("value", "value is larger than " + MAX_CHARS + " characters");
    }
    String v = value.strip();
    Optional<LeakedAccessToken> token = tokens.recognise(v);
    if (token.isPresent()) {
      return new AccessToken(token.get());
    }
    try {
      if (v.startsWith(ApiKeys.PREFIX)) {
        return ApiKeys.valid(v) ? new ApiKey(SecretHash.of(Secret.of(v))) : new Unrecognised();
      }
      if (v.startsWith("-----BEGIN CERTIFICATE-----")) {
        X509Certificate c = CredentialKeys.certificate(
            CredentialKeys.pemBlock(v, "CERTIFICATE", ErrorCode.CERTIFICATE_MALFORMED, "value"), "value");
        return new Certificate(CredentialKeys.x5tS256(c), CredentialKeys.fingerprint(c.getPublicKey()));
      }
      if (v.startsWith("-----BEGIN PUBLIC KEY-----")) {
        byte[] der = CredentialKeys.pemBlock(v, "PUBLIC KEY", ErrorCode.INVALID_FIELD, "value");
        Optional<java.security.PublicKey> key = CredentialKeys.parseSpki(der);
        return key.<LeakedValue>map(k -> new PublicKey(null, CredentialKeys.fingerprint(k)))
            .orElseGet(Unrecognised::new);
      }
      if (v.startsWith("{")) {
        CredentialKeys.RegisteredJwk jwk = CredentialKeys.anyJwk(v);
        return new PublicKey(jwk.thumbprint(), jwk.key().der().fingerprint());
      }
    } catch (RejectedException unparseable) {
      return new Unrecognised();
    }
    return new Unrecognised();
  }
}
