package dev.bindery.client.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import dev.bindery.client.jose.Thumbprints;

/**
 * Builds JWS compact tokens with full control over header and claims, signed with plain JCA (ECDSA over the
 * signing input, DER converted to the JOSE r||s form), HMAC, or not at all. Independent of the SDK's JOSE
 * library, so a token it signs is also an interoperability check.
 */
public final class TokenMint {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final Map<String, Object> header = new LinkedHashMap<>();
  private final Map<String, Object> claims = new LinkedHashMap<>();
  private PrivateKey key;

  private TokenMint() {}

  /** A valid Bindery access token of {@code issuer}'s current key, issued now, for five minutes. */
  public static TokenMint accessToken(FakeIssuer issuer, Instant now) {
    TokenMint m = new TokenMint();
    m.header.put("typ", "at+jwt");
    m.header.put("alg", "ES256");
    m.header.put("kid", issuer.currentKid());
    m.claims.put("iss", issuer.issuer());
    m.claims.put("sub", "nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa");
    m.claims.put("aud", FakeIssuer.AUDIENCE);
    m.claims.put("client_id", "nhi_aaaaaaaaaaaaaaaaaaaaaaaaaa");
    m.claims.put("exp", now.getEpochSecond() + 300);
    m.claims.put("iat", now.getEpochSecond());
    m.claims.put("nbf", now.getEpochSecond());
    m.claims.put("jti", "tok_" + java.util.UUID.randomUUID().toString().replace("-", ""));
    m.claims.put("scope", "orders.read orders.write");
    m.key = issuer.currentPrivateKey();
    return m;
  }

  /** A valid DPoP proof of {@code key} for a resource request with {@code accessToken} (null: no ath). */
  public static TokenMint dpopProof(java.security.KeyPair key, String method, String url, String accessToken,
      Instant now) {
    TokenMint m = new TokenMint();
    m.header.put("typ", "dpop+jwt");
    m.header.put("alg", "ES256");
    m.header.put("jwk", publicJwk(key));
    m.claims.put("jti", java.util.UUID.randomUUID().toString());
    m.claims.put("htm", method);
    m.claims.put("htu", url);
    m.claims.put("iat", now.getEpochSecond());
    if (accessToken != null) {
      m.claims.put("ath", Thumbprints.ath(accessToken));
    }
    m.key = key.getPrivate();
    return m;
  }

  /** The public JWK of an EC P-256 key pair as a JSON map. */
  public static Map<String, Object> publicJwk(java.security.KeyPair key) {
    return new com.nimbusds.jose.jwk.ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256,
        (java.security.interfaces.ECPublicKey) key.getPublic()).build().toJSONObject();
  }

  public TokenMint header(String name, Object value) {
    if (value == null) {
      header.remove(name);
    } else {
      header.put(name, value);
    }
    return this;
  }

  public TokenMint claim(String name, Object value) {
    if (value == null) {
      claims.remove(name);
    } else {
      claims.put(name, value);
    }
    return this;
  }

  public TokenMint boundTo(X509Certificate certificate) {
    return claim("cnf", Map.of("x5t#S256", Thumbprints.x5tS256(certificate)));
  }

  public TokenMint boundToKey(String jkt) {
    return claim("cnf", Map.of("jkt", jkt));
  }

  public TokenMint unbound() {
    return claim("cnf", null);
  }

  public TokenMint signingKey(PrivateKey key) {
    this.key = key;
    return this;
  }

  public TokenMint lifetime(Instant iat, long seconds) {
    claims.put("iat", iat.getEpochSecond());
    claims.put("nbf", iat.getEpochSecond());
    claims.put("exp", iat.getEpochSecond() + seconds);
    return this;
  }

  public String jti() {
    return (String) claims.get("jti");
  }

  /** ES256 over the signing input with the configured key. */
  public String sign() {
    String input = signingInput();
    try {
      Signature ecdsa = Signature.getInstance("SHA256withECDSA");
      ecdsa.initSign(key);
      ecdsa.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + B64.encodeToString(derToConcat(ecdsa.sign(), 32));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** HMAC-SHA256 with the given bytes as the key (the "public key as HMAC secret" attack). */
  public String signHmac(byte[] secret) {
    header.put("alg", "HS256");
    String input = signingInput();
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code alg: none} with an empty signature (RFC 7519 §6 unsecured JWT). */
  public String unsecured() {
    header.put("alg", "none");
    return signingInput() + ".";
  }

  private String signingInput() {
    try {
      return B64.encodeToString(JSON.writeValueAsBytes(header)) + "." + B64.encodeToString(JSON.writeValueAsBytes(claims));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An ASN.1 DER ECDSA signature to the fixed-length r||s form of RFC 7518 §3.4. */
  public static byte[] derToConcat(byte[] der, int half) {
    int offset = 2;
    if ((der[1] & 0xff) > 0x80) {
      offset += der[1] & 0x7f;
    }
    byte[] out = new byte[2 * half];
    offset = copyInteger(der, offset, out, 0, half);
    copyInteger(der, offset, out, half, half);
    return out;
  }

  private static int copyInteger(byte[] der, int offset, byte[] out, int outOffset, int half) {
    int length = der[offset + 1] & 0xff;
    int start = offset + 2;
    int skip = Math.max(0, length - half);
    int pad = Math.max(0, half - length);
    System.arraycopy(der, start + skip, out, outOffset + pad, length - skip);
    return start + length;
  }
}
