package dev.bindery.testkit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Builds {@code private_key_jwt} client assertions (RFC 7523) for tests, signed with the JDK's own {@link Signature}
 * rather than the JOSE library the server verifies with, so a test can set any header or claim, including wrong
 * ones ({@code alg: none}, {@code crit}, a missing {@code exp}...). Defaults: {@code iss} = {@code sub} = the client,
 * {@code aud} as given, {@code iat} = now, {@code exp} = now + 60 s, a random {@code jti}; header {@code alg} from
 * the key (ES256, ES384, EdDSA, RS256) and no {@code kid}.
 */
public final class TestClientAssertion {
  private final Map<String, Object> header = new LinkedHashMap<>();
  private final Map<String, Object> claims = new LinkedHashMap<>();

  private TestClientAssertion() {}

  public static TestClientAssertion forClient(String clientId, String audience, Instant now) {
    TestClientAssertion a = new TestClientAssertion();
    a.claims.put("iss", clientId);
    a.claims.put("sub", clientId);
    a.claims.put("aud", audience);
    a.claims.put("iat", now.getEpochSecond());
    a.claims.put("exp", now.getEpochSecond() + 60);
    a.claims.put("jti", UUID.randomUUID().toString());
    return a;
  }

  /** Sets a header parameter ({@code alg} overrides the one the key implies); null removes it. */
  public TestClientAssertion header(String name, Object value) {
    put(header, name, value);
    return this;
  }

  /** Sets a claim ({@link Instant} values become NumericDate seconds); null removes it. */
  public TestClientAssertion claim(String name, Object value) {
    put(claims, name, value instanceof Instant t ? (Object) t.getEpochSecond() : value);
    return this;
  }

  public TestClientAssertion kid(String kid) {
    return header("kid", kid);
  }

  public String jti() {
    return (String) claims.get("jti");
  }

  private static void put(Map<String, Object> m, String name, Object value) {
    if (value == null) {
      m.remove(name);
    } else {
      m.put(name, value);
    }
  }

  /** The compact JWS signed with {@code key}, with {@code alg} as set or as the key implies. */
  public String sign(KeyPair key) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("alg", header.getOrDefault("alg", defaultAlgorithm(key.getPublic())));
    h.putAll(header);
    String input = b64(JSONObjectUtils.toJSONString(h)) + "." + b64(JSONObjectUtils.toJSONString(claims));
    return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
        signature((String) h.get("alg"), key, input.getBytes(StandardCharsets.US_ASCII)));
  }

  /** The compact JWS with {@code alg: none} and an empty signature (RFC 7519 section 6). */
  public String unsecured() {
    Map<String, Object> h = new LinkedHashMap<>(header);
    h.put("alg", "none");
    return b64(JSONObjectUtils.toJSONString(h)) + "." + b64(JSONObjectUtils.toJSONString(claims)) + ".";
  }

  /** Signed with HMAC-SHA256 keyed by {@code secret} (such as a public key's encoding: the classic confusion). */
  public String hmacSha256(byte[] secret) {
    Map<String, Object> h = new LinkedHashMap<>(header);
    h.put("alg", "HS256");
    String input = b64(JSONObjectUtils.toJSONString(h)) + "." + b64(JSONObjectUtils.toJSONString(claims));
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
      return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
          mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  static String defaultAlgorithm(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      return ec.getParams().getCurve().getField().getFieldSize() == 384 ? "ES384" : "ES256";
    }
    if (key instanceof RSAPublicKey) {
      return "RS256";
    }
    return "EdDSA";
  }

  private static byte[] signature(String alg, KeyPair key, byte[] input) {
    try {
      Signature s;
      switch (alg) {
        case "ES256" -> s = Signature.getInstance("SHA256withECDSAinP1363Format");
        case "ES384" -> s = Signature.getInstance("SHA384withECDSAinP1363Format");
        case "ES512" -> s = Signature.getInstance("SHA512withECDSAinP1363Format");
        case "RS256" -> s = Signature.getInstance("SHA256withRSA");
        case "PS256" -> {
          s = Signature.getInstance("RSASSA-PSS");
          s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        }
        case "EdDSA", "Ed25519" -> s = Signature.getInstance("Ed25519");
        default -> throw new IllegalArgumentException("no test signer for " + alg);
      }
      s.initSign(key.getPrivate());
      s.update(input);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- registration -------------------------------------------------------------------------------------

  /** The public JWK of {@code key} (EC P-256/P-384, RSA or Ed25519), as registration takes it. */
  public static String publicJwk(PublicKey key) {
    return jwk(key).toJSONString();
  }

  /** The RFC 7638 SHA-256 thumbprint of {@code key}: the {@code kid} of its assertions. */
  public static String thumbprint(PublicKey key) {
    try {
      return jwk(key).computeThumbprint("SHA-256").toString();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JWK jwk(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      return new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build();
    }
    if (key instanceof RSAPublicKey rsa) {
      return new RSAKey.Builder(rsa).build();
    }
    byte[] der = key.getEncoded();
    return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(Arrays.copyOfRange(der, der.length - 32,
        der.length))).build();
  }
}
