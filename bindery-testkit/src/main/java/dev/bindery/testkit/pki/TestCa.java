package dev.bindery.testkit.pki;

import dev.bindery.identity.IdentityId;
import dev.bindery.pki.BcCertificateAuthority;
import dev.bindery.pki.CaMaterial;
import dev.bindery.pki.Csrs;
import dev.bindery.pki.IssuedCertificate;
import dev.bindery.pki.TrustDomain;
import dev.bindery.security.SecretSealer;
import java.net.URI;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * A real {@link BcCertificateAuthority} over freshly generated {@link CaMaterial} and a fixed test master key, for
 * tests of any module. Generating one costs a few milliseconds.
 *
 * <pre>{@code
 * TestCa pki = TestCa.create(clock.instant());
 * TestCa.Leaf leaf = pki.issue(identityId, Duration.ofHours(24), clock.instant());
 * }</pre>
 */
public final class TestCa {
  public static final TrustDomain TRUST_DOMAIN = new TrustDomain("bindery.test");
  public static final URI BASE_URL = URI.create("https://bindery.test:8443");
  private static final byte[] MASTER_KEY = fixedMasterKey();

  private final CaMaterial material;
  private final SecretSealer sealer;
  private final BcCertificateAuthority ca;

  private TestCa(CaMaterial material, SecretSealer sealer) {
    this.material = material;
    this.sealer = sealer;
    this.ca = new BcCertificateAuthority(material, sealer, BASE_URL);
  }

  /** A CA of {@link #TRUST_DOMAIN} generated at {@code now} (its certificates start 5 minutes earlier). */
  public static TestCa create(Instant now) {
    return create(TRUST_DOMAIN, now);
  }

  public static TestCa create(TrustDomain trustDomain, Instant now) {
    SecretSealer sealer = sealer();
    return new TestCa(CaMaterial.generate(trustDomain, now, new SecureRandom(), sealer), sealer);
  }

  /** A CA over existing material sealed under the test master key (for example material loaded from a store). */
  public static TestCa of(CaMaterial material) {
    return new TestCa(material, sealer());
  }

  /** A sealer under the fixed test master key (32 bytes of 0x42). */
  public static SecretSealer sealer() {
    return new SecretSealer(MASTER_KEY.clone(), new SecureRandom());
  }

  public BcCertificateAuthority ca() {
    return ca;
  }

  public CaMaterial material() {
    return material;
  }

  public SecretSealer materialSealer() {
    return sealer;
  }

  /** A leaf certificate and the key it certifies. */
  public record Leaf(KeyPair key, IssuedCertificate issued) {}

  /** Issues a certificate to {@code identity} for a fresh EC P-256 key, through {@link Csrs#verify(String)}. */
  public Leaf issue(IdentityId identity, Duration validity, Instant now) {
    return issue(TestKeys.ecP256(), identity, validity, now);
  }

  public Leaf issue(KeyPair key, IdentityId identity, Duration validity, Instant now) {
    return new Leaf(key, ca.issue(Csrs.verify(TestCsr.forKey(key).pem()), identity, validity, now));
  }

  private static byte[] fixedMasterKey() {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 0x42);
    return key;
  }
}
