package dev.bindery.client.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.bindery.client.issuer.AuthorizationServerMetadata;
import dev.bindery.client.issuer.BinderyClientException;
import dev.bindery.client.issuer.Issuer;
import dev.bindery.client.issuer.IssuerHttp;
import dev.bindery.client.issuer.IssuerUnavailableException;
import dev.bindery.client.jose.Thumbprints;
import dev.bindery.client.tls.TlsContexts;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Obtains access tokens from a Bindery server with the {@code client_credentials} grant (RFC 6749 §4.4) and
 * keeps one ready: the token is cached and renewed once {@code renewAfter} (default 80%) of its lifetime has
 * passed by the injected clock. If renewal fails because the server is unreachable, the current token is
 * returned while it is still valid; a refusal by the server (an {@link OAuthErrorException}) is never hidden.
 *
 * <p>Client authentication is exactly one of: mutual TLS ({@code tls_client_auth} or
 * {@code self_signed_tls_client_auth}, RFC 8705; the token is certificate-bound and requested at the
 * {@code mtls_endpoint_aliases} token endpoint when the server announces one) or {@code private_key_jwt}
 * (RFC 7523, assertion {@code aud} = the issuer identifier). Adding {@link Builder#dpop DPoP} binds the token
 * to a DPoP key instead (RFC 9449), answering a {@code use_dpop_nonce} error once with the server's nonce.
 * Scopes and RFC 8707 resources are sent as configured. Thread-safe.
 */
public final class BinderyTokenClient {
  private static final Logger LOG = LoggerFactory.getLogger(BinderyTokenClient.class);
  private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  private static final Duration ASSERTION_LIFETIME = Duration.ofSeconds(60);
  /** A token this close to expiry is not handed out as a fallback. */
  private static final Duration FALLBACK_MARGIN = Duration.ofSeconds(5);

  private final Issuer issuer;
  private final String clientId;
  private final IssuerHttp http;
  private final boolean mutualTls;
  private final PrivateKeyJwt privateKeyJwt;
  private final DPoPProofFactory dpop;
  private final List<String> scopes;
  private final List<String> resources;
  private final Clock clock;
  private final double renewAfter;
  private final Object renewal = new Object();
  private final SecureRandom random = new SecureRandom();
  private volatile AuthorizationServerMetadata metadata;
  private volatile Held current;
  private volatile String dpopNonce;

  private record Held(AccessToken token, Instant renewAt) {}

  private record PrivateKeyJwt(JWSSigner signer, JWSAlgorithm alg, String kid) {}

  private BinderyTokenClient(Builder b) {
    this.issuer = new Issuer(Objects.requireNonNull(b.issuer, "issuer is required"));
    this.clientId = Objects.requireNonNull(b.clientId, "clientId is required");
    this.mutualTls = b.mutualTls;
    this.privateKeyJwt = b.privateKeyJwt;
    this.dpop = b.dpop;
    this.scopes = List.copyOf(b.scopes);
    this.resources = List.copyOf(b.resources);
    this.clock = b.clock;
    this.renewAfter = b.renewAfter;
    this.http = new IssuerHttp(b.sslContext, b.timeout);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A valid token: the cached one, or a new one when the cached one is due for renewal. */
  public AccessToken token() {
    Held held = current;
    if (held != null && clock.instant().isBefore(held.renewAt())) {
      return held.token();
    }
    synchronized (renewal) {
      held = current;
      Instant now = clock.instant();
      if (held != null && now.isBefore(held.renewAt())) {
        return held.token();
      }
      try {
        return requestNewToken();
      } catch (IssuerUnavailableException e) {
        if (held != null && now.isBefore(held.token().expiresAt().minus(FALLBACK_MARGIN))) {
          LOG.warn("event=token_renewal_failed client_id={} keeping_token_until={} reason=\"{}\"", clientId,
              held.token().expiresAt(), e.getMessage());
          return held.token();
        }
        throw e;
      }
    }
  }

  /** Requests a new token now (and caches it), whatever the state of the cached one. */
  public AccessToken requestNewToken() {
    AuthorizationServerMetadata md = metadata();
    URI endpoint = mutualTls ? md.mtlsTokenEndpoint().orElse(md.tokenEndpoint()) : md.tokenEndpoint();
    IssuerHttp.Response response = send(endpoint, md);
    if (response.status() == 400 && dpop != null) {
      String nonce = response.headers().firstValue("DPoP-Nonce").orElse(null);
      if (nonce != null && "use_dpop_nonce".equals(errorCode(response))) {
        // RFC 9449 §8: retry once with the server's nonce
        response = send(endpoint, md);
      }
    }
    AccessToken token = parse(response);
    Instant renewAt = token.obtainedAt().plusMillis(
        (long) (Duration.between(token.obtainedAt(), token.expiresAt()).toMillis() * renewAfter));
    current = new Held(token, renewAt);
    return token;
  }

  /**
   * A DPoP proof for calling a resource server with {@code token} ({@code ath} included). {@code nonce} is
   * the resource server's {@code DPoP-Nonce}, or null.
   */
  public String dpopProof(String method, URI uri, AccessToken token, String nonce) {
    if (dpop == null) {
      throw new IllegalStateException("this client has no DPoP key");
    }
    return dpop.proofForResource(method, uri, token, nonce);
  }

  /** The DPoP key's proof factory, if this client binds tokens with DPoP. */
  public Optional<DPoPProofFactory> dpop() {
    return Optional.ofNullable(dpop);
  }

  private AuthorizationServerMetadata metadata() {
    AuthorizationServerMetadata md = metadata;
    if (md == null) {
      md = AuthorizationServerMetadata.fetch(http, issuer);
      metadata = md;
    }
    return md;
  }

  private IssuerHttp.Response send(URI endpoint, AuthorizationServerMetadata md) {
    List<Map.Entry<String, String>> form = new ArrayList<>();
    form.add(Map.entry("grant_type", "client_credentials"));
    form.add(Map.entry("client_id", clientId));
    if (!scopes.isEmpty()) {
      form.add(Map.entry("scope", String.join(" ", scopes)));
    }
    resources.forEach(r -> form.add(Map.entry("resource", r)));
    if (privateKeyJwt != null) {
      form.add(Map.entry("client_assertion_type", JWT_BEARER));
      form.add(Map.entry("client_assertion", assertion()));
    }
    String[] headers = dpop == null ? new String[0]
        : new String[] {"DPoP", dpop.proof("POST", endpoint, dpopNonce)};
    IssuerHttp.Response response = http.send(http.postForm(endpoint, form, headers).build(), "token request");
    response.headers().firstValue("DPoP-Nonce").ifPresent(n -> dpopNonce = n);
    return response;
  }

  /** RFC 7523 §3 client assertion: iss = sub = client_id, aud = issuer, short exp, random jti. */
  private String assertion() {
    Instant now = clock.instant();
    byte[] jti = new byte[16];
    random.nextBytes(jti);
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(clientId).subject(clientId).audience(issuer.value())
        .jwtID(Base64.getUrlEncoder().withoutPadding().encodeToString(jti))
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(ASSERTION_LIFETIME)))
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(privateKeyJwt.alg()).keyID(privateKeyJwt.kid()).build(),
        claims);
    try {
      jwt.sign(privateKeyJwt.signer());
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign the client assertion", e);
    }
    return jwt.serialize();
  }

  private AccessToken parse(IssuerHttp.Response response) {
    if (response.status() == 400 || response.status() == 401 || response.status() == 403) {
      String error = errorCode(response);
      if (error != null) {
        throw new OAuthErrorException(error, errorDescription(response), response.status());
      }
    }
    if (response.status() != 200) {
      throw new IssuerUnavailableException("token request: HTTP " + response.status());
    }
    JsonNode json = response.jsonObject("token response");
    JsonNode value = json.get("access_token");
    JsonNode type = json.get("token_type");
    JsonNode expiresIn = json.get("expires_in");
    if (value == null || !value.isTextual() || value.asText().isEmpty() || type == null || !type.isTextual()
        || expiresIn == null || !expiresIn.canConvertToLong() || expiresIn.asLong() <= 0) {
      throw new IssuerUnavailableException(
          "token response lacks access_token, token_type or a positive expires_in");
    }
    AccessToken.Type tokenType = switch (type.asText().toLowerCase(Locale.ROOT)) {
      case "bearer" -> AccessToken.Type.BEARER;
      case "dpop" -> AccessToken.Type.DPOP;
      default -> throw new IssuerUnavailableException("token response has an unknown token_type");
    };
    if ((dpop != null) != (tokenType == AccessToken.Type.DPOP)) {
      throw new BinderyClientException(dpop != null
          ? "the server did not bind the token to the DPoP key (token_type " + type.asText() + ")"
          : "the server issued a DPoP token to a client without a DPoP key");
    }
    Set<String> granted = new LinkedHashSet<>();
    JsonNode scope = json.get("scope");
    if (scope != null && scope.isTextual()) {
      for (String s : scope.asText().trim().split(" +")) {
        if (!s.isEmpty()) {
          granted.add(s);
        }
      }
    }
    Instant now = clock.instant();
    return new AccessToken(value.asText(), tokenType, now, now.plusSeconds(expiresIn.asLong()), granted);
  }

  private static String errorCode(IssuerHttp.Response response) {
    try {
      JsonNode error = response.jsonObject("token error").get("error");
      return error != null && error.isTextual() && error.asText().matches("[a-z_]{1,64}") ? error.asText() : null;
    } catch (IssuerUnavailableException e) {
      return null;
    }
  }

  private static String errorDescription(IssuerHttp.Response response) {
    JsonNode d = response.jsonObject("token error").get("error_description");
    if (d == null || !d.isTextual()) {
      return null;
    }
    String text = d.asText().replaceAll("[^\\x20-\\x7e]", "?");
    return text.length() > 200 ? text.substring(0, 200) : text;
  }

  /** The client's settings: issuer, client id, and exactly one client authentication are required. */
  public static final class Builder {
    private String issuer;
    private String clientId;
    private SSLContext sslContext;
    private boolean mutualTls;
    private PrivateKeyJwt privateKeyJwt;
    private DPoPProofFactory dpop;
    private final List<String> scopes = new ArrayList<>();
    private final List<String> resources = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private double renewAfter = 0.8;
    private Duration timeout = Duration.ofSeconds(10);

    private Builder() {}

    /** The Bindery server, e.g. {@code https://localhost:8443}. */
    public Builder issuer(String issuer) {
      this.issuer = issuer;
      return this;
    }

    /** The identity id ({@code nhi_...}). */
    public Builder clientId(String clientId) {
      this.clientId = clientId;
      return this;
    }

    /**
     * Authenticates with mutual TLS: {@code sslContext} presents the client certificate and trusts the
     * server's CA (see {@link TlsContexts#mutualTls}).
     */
    public Builder mutualTls(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      this.mutualTls = true;
      return this;
    }

    /** Mutual TLS from PEM files: private key, certificate chain (leaf first), and the server's CA. */
    public Builder mutualTls(Path privateKeyPem, Path certificateChainPem, Path caPem) {
      return mutualTls(TlsContexts.mutualTls(privateKeyPem, certificateChainPem, caPem));
    }

    /**
     * Authenticates with {@code private_key_jwt} using a registered key (EC P-256/P-384 or RSA ≥ 2048) and its
     * {@code kid}; TLS to the server then needs {@link #serverTrust}.
     */
    public Builder privateKeyJwt(PrivateKey key, String kid) {
      Objects.requireNonNull(key, "key");
      try {
        if (key instanceof ECPrivateKey ec) {
          Curve curve = Curve.forECParameterSpec(ec.getParams());
          JWSAlgorithm alg = Curve.P_256.equals(curve) ? JWSAlgorithm.ES256
              : Curve.P_384.equals(curve) ? JWSAlgorithm.ES384 : null;
          if (alg == null) {
            throw new IllegalArgumentException("private_key_jwt supports EC keys on P-256 and P-384");
          }
          this.privateKeyJwt = new PrivateKeyJwt(new ECDSASigner(ec), alg, kid);
        } else if (key instanceof RSAPrivateKey rsa) {
          if (rsa.getModulus().bitLength() < 2048) {
            throw new IllegalArgumentException("an RSA key needs at least 2048 bits");
          }
          this.privateKeyJwt = new PrivateKeyJwt(new RSASSASigner(rsa), JWSAlgorithm.PS256, kid);
        } else {
          throw new IllegalArgumentException("private_key_jwt needs an EC or RSA private key");
        }
      } catch (JOSEException e) {
        throw new IllegalArgumentException("unusable private_key_jwt key", e);
      }
      return this;
    }

    /**
     * {@code private_key_jwt} with a registered key pair, named in each assertion by {@code kid} = the RFC 7638
     * thumbprint of its public key (what Bindery registers it under). Passing the same key pair to
     * {@link DPoPProofFactory#of} binds the tokens to the registered key itself, so revoking that key also revokes
     * them at resource servers that follow the revocation feed ({@code jkt}).
     */
    public Builder privateKeyJwt(KeyPair keyPair) {
      Objects.requireNonNull(keyPair, "keyPair");
      JWK publicJwk;
      if (keyPair.getPublic() instanceof ECPublicKey ec) {
        publicJwk = new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build();
      } else if (keyPair.getPublic() instanceof RSAPublicKey rsa) {
        publicJwk = new RSAKey.Builder(rsa).build();
      } else {
        throw new IllegalArgumentException("private_key_jwt needs an EC or RSA key pair");
      }
      return privateKeyJwt(keyPair.getPrivate(), Thumbprints.jkt(publicJwk));
    }

    /** TLS trust for the server when not authenticating by mutual TLS. */
    public Builder serverTrust(SSLContext sslContext) {
      if (mutualTls) {
        throw new IllegalStateException("mutualTls already sets the TLS context");
      }
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /** TLS trust from a PEM CA file when not authenticating by mutual TLS. */
    public Builder trustedCaFile(Path caPem) {
      return serverTrust(TlsContexts.trusting(caPem));
    }

    /** Binds tokens to this DPoP key (RFC 9449); the token type becomes {@code DPoP}. */
    public Builder dpop(DPoPProofFactory factory) {
      this.dpop = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /** Requested scopes (default: all of the identity's scopes). */
    public Builder scopes(String... scopes) {
      for (String s : scopes) {
        if (s.isBlank() || s.contains(" ")) {
          throw new IllegalArgumentException("a scope is one non-blank word");
        }
        this.scopes.add(s);
      }
      return this;
    }

    /** RFC 8707 resources: the audiences the token is for. */
    public Builder resources(String... resources) {
      this.resources.addAll(List.of(resources));
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Renew once this fraction of the lifetime has passed (default 0.8, between 0.1 and 0.95). */
    public Builder renewAfter(double fraction) {
      if (!(fraction >= 0.1 && fraction <= 0.95)) {
        throw new IllegalArgumentException("renewAfter must be between 0.1 and 0.95");
      }
      this.renewAfter = fraction;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    public BinderyTokenClient build() {
      if (mutualTls == (privateKeyJwt != null)) {
        throw new IllegalStateException("choose exactly one client authentication: mutualTls or privateKeyJwt");
      }
      if (sslContext == null) {
        throw new IllegalStateException("TLS trust for the server is required: serverTrust or trustedCaFile");
      }
      return new BinderyTokenClient(this);
    }
  }
}
