package dev.bindery.token;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A token signing key as the store keeps it: its public JWK (JSON text, public members only) and its private key
 * sealed under the master key ({@link dev.bindery.security.SecretSealer}, associated data bound to the key id).
 * The sealed private key is dropped when the key retires: a retired key can never sign again, on any node.
 *
 * <p>Not a record: the sealed bytes must not be compared or printed.
 *
 * @see KeyRing
 */
public final class StoredSigningKey {
  private final String kid;
  private final String algorithm;
  private final SigningKeyState state;
  private final String publicJwk;
  private final byte[] sealedPrivateKey;
  private final Instant createdAt;
  private final Instant activatedAt;
  private final Instant retiredAt;
  private final long version;

  public StoredSigningKey(String kid, String algorithm, SigningKeyState state, String publicJwk,
      byte[] sealedPrivateKey, Instant createdAt, Instant activatedAt, Instant retiredAt, long version) {
    this.kid = Objects.requireNonNull(kid, "kid");
    this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
    this.state = Objects.requireNonNull(state, "state");
    this.publicJwk = Objects.requireNonNull(publicJwk, "publicJwk");
    this.sealedPrivateKey = sealedPrivateKey == null ? null : sealedPrivateKey.clone();
    this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
    this.activatedAt = activatedAt;
    this.retiredAt = retiredAt;
    this.version = version;
    if (version < 1) {
      throw new IllegalArgumentException("version starts at 1");
    }
    if ((state == SigningKeyState.RETIRED) != (sealedPrivateKey == null)) {
      throw new IllegalArgumentException("exactly the keys that are not retired keep a sealed private key");
    }
    if ((state == SigningKeyState.RETIRED) != (retiredAt != null)) {
      throw new IllegalArgumentException("exactly the retired keys have a retirement time");
    }
    if ((state == SigningKeyState.NEXT) == (activatedAt != null)) {
      throw new IllegalArgumentException("every key but a next key has an activation time");
    }
  }

  /** A new key in {@code state} ({@link SigningKeyState#CURRENT} only when the store has no key at all). */
  public static StoredSigningKey created(String kid, String algorithm, SigningKeyState state, String publicJwk,
      byte[] sealedPrivateKey, Instant now) {
    if (state == SigningKeyState.RETIRED) {
      throw new IllegalArgumentException("a new key is next or current");
    }
    return new StoredSigningKey(kid, algorithm, state, publicJwk, sealedPrivateKey, now,
        state == SigningKeyState.CURRENT ? now : null, null, 1);
  }

  /** This next key, promoted to current at {@code now}. */
  public StoredSigningKey activate(Instant now) {
    if (state != SigningKeyState.NEXT) {
      throw new IllegalStateException("only a next key is activated");
    }
    return new StoredSigningKey(kid, algorithm, SigningKeyState.CURRENT, publicJwk, sealedPrivateKey, createdAt, now,
        null, version + 1);
  }

  /** This current key, retired at {@code now}: its sealed private key is dropped. */
  public StoredSigningKey retire(Instant now) {
    if (state != SigningKeyState.CURRENT) {
      throw new IllegalStateException("only the current key is retired");
    }
    return new StoredSigningKey(kid, algorithm, SigningKeyState.RETIRED, publicJwk, null, createdAt, activatedAt, now,
        version + 1);
  }

  public String kid() {
    return kid;
  }

  public String algorithm() {
    return algorithm;
  }

  public SigningKeyState state() {
    return state;
  }

  public String publicJwk() {
    return publicJwk;
  }

  /** The sealed PKCS#8 private key, or null for a retired key. */
  public byte[] sealedPrivateKey() {
    return sealedPrivateKey == null ? null : sealedPrivateKey.clone();
  }

  public Instant createdAt() {
    return createdAt;
  }

  /** When the key became current, or null for a next key. */
  public Instant activatedAt() {
    return activatedAt;
  }

  public Instant retiredAt() {
    return retiredAt;
  }

  public long version() {
    return version;
  }

  /** Same values, sealed bytes included (for store round-trip tests). */
  public boolean sameAs(StoredSigningKey o) {
    return kid.equals(o.kid) && algorithm.equals(o.algorithm) && state == o.state && publicJwk.equals(o.publicJwk)
        && Arrays.equals(sealedPrivateKey, o.sealedPrivateKey) && createdAt.equals(o.createdAt)
        && Objects.equals(activatedAt, o.activatedAt) && Objects.equals(retiredAt, o.retiredAt)
        && version == o.version;
  }

  @Override
  public String toString() {
    return "StoredSigningKey[" + kid + " " + state.wire() + " v" + version + "]";
  }
}
