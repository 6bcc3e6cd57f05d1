package dev.bindery.client.resource;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.bindery.client.issuer.AuthorizationServerMetadata;
import dev.bindery.client.issuer.Issuer;
import dev.bindery.client.issuer.IssuerHttp;
import dev.bindery.client.issuer.IssuerUnavailableException;
import dev.bindery.client.jose.SignatureAlgorithms;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.text.ParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuer's signing keys, fetched from its {@code jwks_uri} (found through the RFC 8414 metadata unless
 * configured) and cached by {@code kid}. Only keys from that document ever verify a token: keys named or
 * embedded in a token header ({@code jwk}, {@code jku}, {@code x5u}, {@code x5c}) are never looked at.
 *
 * <p>An unknown {@code kid} triggers a refetch (key rotation), at most once per {@code minRefetch} so a
 * flood of made-up key ids cannot turn the verifier against the issuer. The set is also refreshed every
 * {@code refreshInterval}, so a key the issuer withdraws stops verifying, cached tokens included. Keys without
 * {@code kid}, with a duplicated {@code kid}, or unusable with every accepted algorithm are left out.
 */
final class IssuerKeys {
  private static final Logger LOG = LoggerFactory.getLogger(IssuerKeys.class);
  private static final int MAX_KEYS = 100;

  /** A key of the JWKS with a verifier per accepted algorithm it can verify. */
  record PublishedKey(String kid, Map<String, JWSVerifier> verifiers) {
    JWSVerifier verifierFor(String alg) {
      return verifiers.get(alg);
    }
  }

  /** Thrown when no key set has ever been fetched: the verifier cannot decide. */
  static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    Unavailable() {
      super("issuer signing keys unavailable", null, false, false);
    }
  }

  private final IssuerHttp http;
  private final Issuer issuer;
  private final Set<String> algorithms;
  private final Provider provider;
  private final long minRefetchMillis;
  private final long refreshMillis;
  private final ReentrantLock fetchLock = new ReentrantLock();
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile URI jwksUri;
  private volatile Map<String, PublishedKey> keys;
  private volatile long lastFetchStarted = Long.MIN_VALUE / 2;
  private volatile long lastSuccess = Long.MIN_VALUE / 2;

  IssuerKeys(IssuerHttp http, Issuer issuer, URI jwksUri, Set<String> algorithms, Provider provider,
      long minRefetchMillis, long refreshMillis) {
    this.http = http;
    this.issuer = issuer;
    this.jwksUri = jwksUri;
    this.algorithms = algorithms;
    this.provider = provider;
    this.minRefetchMillis = minRefetchMillis;
    this.refreshMillis = refreshMillis;
  }

  /**
   * The key with this id, fetching the key set if the id is unknown and the rate limit allows; null if the
   * issuer does not publish it.
   */
  PublishedKey find(String kid, long now) throws Unavailable {
    Map<String, PublishedKey> current = keys;
    if (current != null) {
      PublishedKey key = current.get(kid);
      if (key != null) {
        return key;
      }
    }
    fetchLock.lock();
    try {
      current = keys;
      if (current != null && current.containsKey(kid)) {
        return current.get(kid);
      }
      if (now - lastFetchStarted < minRefetchMillis) {
        if (current == null) {
          throw new Unavailable();
        }
        return null;
      }
      fetch(now);
      current = keys;
      if (current == null) {
        throw new Unavailable();
      }
      return current.get(kid);
    } finally {
      fetchLock.unlock();
    }
  }

  /** True if the last fetched key set still holds this key (checked for cached tokens too). */
  boolean isPublished(String kid) {
    Map<String, PublishedKey> current = keys;
    return current != null && current.containsKey(kid);
  }

  /** Refreshes the key set when it is older than the refresh interval; one caller does it, others go on. */
  void refreshIfDue(long now) {
    if (now - lastSuccess < refreshMillis || now - lastFetchStarted < minRefetchMillis || keys == null) {
      return;
    }
    if (!refreshing.compareAndSet(false, true)) {
      return;
    }
    try {
      if (fetchLock.tryLock()) {
        try {
          if (now - lastFetchStarted >= minRefetchMillis) {
            fetch(now);
          }
        } finally {
          fetchLock.unlock();
        }
      }
    } finally {
      refreshing.set(false);
    }
  }

  /** Fetches the key set; a failure keeps the keys known so far. Called with the lock held. */
  private void fetch(long now) {
    lastFetchStarted = now;
    try {
      URI uri = jwksUri;
      if (uri == null) {
        uri = AuthorizationServerMetadata.fetch(http, issuer).jwksUri();
        jwksUri = uri;
      }
      IssuerHttp.Response response = http.send(http.get(uri).build(), "JWKS of " + issuer);
      if (response.status() != 200) {
        throw new IssuerUnavailableException("JWKS of " + issuer + ": HTTP " + response.status());
      }
      keys = parse(new String(response.body(), StandardCharsets.UTF_8));
      lastSuccess = now;
    } catch (IssuerUnavailableException e) {
      LOG.warn("event=jwks_fetch_failed issuer={} reason=\"{}\"", issuer, e.getMessage());
    }
  }

  private Map<String, PublishedKey> parse(String json) {
    JWKSet set;
    try {
      set = JWKSet.parse(json);
    } catch (ParseException e) {
      throw new IssuerUnavailableException("JWKS of " + issuer + ": not a JWK set");
    }
    if (set.getKeys().size() > MAX_KEYS) {
      throw new IssuerUnavailableException("JWKS of " + issuer + ": more than " + MAX_KEYS + " keys");
    }
    Map<String, PublishedKey> out = new HashMap<>();
    Set<String> duplicated = new HashSet<>();
    for (JWK jwk : set.getKeys()) {
      String kid = jwk.getKeyID();
      if (kid == null) {
        continue;
      }
      JWK publicJwk = jwk.toPublicJWK();
      Map<String, JWSVerifier> verifiers = new HashMap<>();
      for (String alg : algorithms) {
        JWSVerifier verifier = SignatureAlgorithms.verifierFor(publicJwk, alg, provider);
        if (verifier != null) {
          verifiers.put(alg, verifier);
        }
      }
      if (out.put(kid, new PublishedKey(kid, Map.copyOf(verifiers))) != null) {
        duplicated.add(kid);
      }
    }
    // an ambiguous key id verifies nothing
    duplicated.forEach(out::remove);
    return Map.copyOf(out);
  }
}
