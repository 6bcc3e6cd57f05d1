package dev.bindery.server.bootstrap;

import dev.bindery.server.files.SecureFiles;
import dev.bindery.server.tls.PemFiles;
import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed448PrivateKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * A <b>development and test only</b> stand-in for a hardware vendor: a root certificate and key that a developer
 * makes on their machine ({@code bindery dev attestation-root}), and attestation chains in the shape of a YubiKey
 * PIV attestation issued under it for any key the developer holds ({@code bindery dev attest}). With the root
 * configured ({@code bindery dev --attestation-roots FILE} or {@code bindery.attestation.roots}), Bindery's
 * {@link dev.bindery.pki.KeyAttestationVerifier} accepts those chains exactly as it accepts a real YubiKey's, so
 * the level-3 re-binding path can be shown end to end without a hardware token. A key it attests is <b>not</b>
 * hardware-held: the root must never be trusted by a server that binds real identities.
 *
 * <p>What makes it safe to ship: nothing trusts the root unless an operator configures its certificate file;
 * the server never reads its private key (only these commands do, from an owner-only file); the root's name says
 * what it is ({@link #ORGANIZATION}) and a server that loads it logs a warning ({@link AttestationRoots}).
 *
 * <p>The chain has the structure of a real YubiKey's (see {@code YubikeyPivAttestation}): a per-device slot F9
 * attestation CA under the root, then {@code CN=YubiKey PIV Attestation 9a} for the attested key, with the dates of
 * the F9 certificate and the Yubico extensions firmware ({@code 1.3.6.1.4.1.41482.3.3}), serial ({@code .3.7}),
 * PIN/touch policy ({@code .3.8}) and form factor ({@code .3.9}). Each chain is a new simulated device with a
 * random serial number.
 */
public final class DevAttestationRoot {
  /** The organization of the root's name: what marks it as a development root wherever its name is shown. */
  public static final String ORGANIZATION = "Bindery development only";
  /** The root certificate's file in the root directory (public, 0644): the one to configure as trusted. */
  public static final String CERTIFICATE_FILE = "dev-attestation-root.pem";
  /** The root's private key file in the root directory (owner-only, 0600): read by {@code dev attest} only. */
  public static final String KEY_FILE = "dev-attestation-root.key";
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);
  static final String SUBJECT = "CN=Bindery development attestation root (not a hardware vendor), O="
      + ORGANIZATION;
  private static final String YUBICO_ARC = "1.3.6.1.4.1.41482.3";
  private static final Duration BACKDATE = Duration.ofMinutes(5);
  /** The largest key, CSR or root file read; far above any real one. */
  private static final long MAX_FILE_BYTES = 256 * 1024;

  /** For CSR signatures only; passed explicitly, never registered with the JVM. */
  private static final Provider BC = new BouncyCastleProvider();

  private final X509Certificate certificate;
  private final PrivateKey key;
  private final SecureRandom random;

  private DevAttestationRoot(X509Certificate certificate, PrivateKey key, SecureRandom random) {
    this.certificate = certificate;
    this.key = key;
    this.random = random;
  }

  /** True when {@code root}'s name marks it as a development attestation root. */
  public static boolean isDevelopmentRoot(X509Certificate root) {
    return root.getSubjectX500Principal().equals(new X500Principal(SUBJECT));
  }

  /**
   * Makes a new root, valid from a few minutes before {@code now} for {@code validity}, and writes its certificate
   * (0644) and private key (0600) into {@code dir}, created owner-only if absent.
   *
   * @throws IllegalStateException naming the file when one of the two files exists and {@code replace} is false
   */
  public static DevAttestationRoot create(Path dir, Instant now, Duration validity, boolean replace)
      throws IOException {
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity must be positive");
    }
    Path certificateFile = dir.resolve(CERTIFICATE_FILE);
    Path keyFile = dir.resolve(KEY_FILE);
    if (!replace) {
      for (Path file : List.of(certificateFile, keyFile)) {
        if (Files.exists(file)) {
          throw new IllegalStateException(file + " exists; a new root would orphan the chains issued under it "
              + "(use --force to replace it)");
        }
      }
    }
    SecureRandom random = new SecureRandom();
    KeyPair kp = ecP256(random);
    X500Name name = X500Name.getInstance(new X500Principal(SUBJECT).getEncoded());
    X509Certificate root = ca(name, kp.getPublic(), name, kp.getPrivate(), now.minus(BACKDATE), now.plus(validity),
        random);
    SecureFiles.ensureDirectory(dir);
    PemFiles.writePrivate(keyFile, kp.getPrivate());
    PemFiles.writePublic(certificateFile, root);
    return new DevAttestationRoot(root, kp.getPrivate(), random);
  }

  /**
   * Reads a root made by {@link #create}.
   *
   * @throws IllegalStateException when a file is missing, the key is readable by others, the key is not the
   *     certificate's, or the certificate is not a development attestation root
   */
  public static DevAttestationRoot load(Path dir) throws IOException {
    Path certificateFile = dir.resolve(CERTIFICATE_FILE);
    Path keyFile = dir.resolve(KEY_FILE);
    for (Path file : List.of(certificateFile, keyFile)) {
      if (!Files.isRegularFile(file)) {
        throw new IllegalStateException(file + " does not exist; make a root with 'bindery dev attestation-root "
            + "--out " + dir + "'");
      }
      requireSmall(file);
    }
    if (SecureFiles.readableByOthers(keyFile)) {
      throw new IllegalStateException(keyFile + " is readable or writable by group or others; it must be "
          + "owner-only (chmod 600)");
    }
    List<X509Certificate> certificates = PemFiles.readCertificates(certificateFile);
    X509Certificate root = certificates.get(0);
    if (certificates.size() != 1 || !isDevelopmentRoot(root) || root.getBasicConstraints() < 0) {
      throw new IllegalStateException(certificateFile + " is not a Bindery development attestation root");
    }
    PrivateKey key = PemFiles.readPrivateKey(keyFile);
    if (!Arrays.equals(publicKeyOf(PrivateKeyInfo.getInstance(key.getEncoded())).getEncoded(),
        root.getPublicKey().getEncoded())) {
      throw new IllegalStateException(keyFile + " is not the private key of " + certificateFile);
    }
    return new DevAttestationRoot(root, key, new SecureRandom());
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * An attestation chain of a simulated YubiKey.
   *
   * @param certificates the attestation certificate of slot 9a first, then the device's slot F9 certificate
   * @param serial the simulated device's serial number, in the attestation certificate's serial extension
   */
  public record Attestation(List<X509Certificate> certificates, long serial) {
    public Attestation {
      certificates = List.copyOf(certificates);
    }
  }

  /**
   * An attestation chain for {@code attested}, in the shape of a YubiKey PIV attestation of slot 9a: the
   * attestation certificate first, then the simulated device's slot F9 certificate (the root is not included; the
   * server holds it). The F9 certificate is valid from a few minutes before {@code now} until the root expires.
   */
  public Attestation attest(PublicKey attested, Instant now) {
    Objects.requireNonNull(attested, "attested");
    Instant notAfter = certificate.getNotAfter().toInstant();
    if (!now.isBefore(notAfter)) {
      throw new IllegalStateException("the development attestation root expired at " + notAfter
          + "; make a new one with --force and configure it again");
    }
    long serial = 10_000_000L + random.nextInt(90_000_000);
    try {
      KeyPair device = ecP256(random);
      X500Name rootName = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
      X500Name deviceName = new X500Name("CN=Yubico PIV Attestation, SERIALNUMBER=" + serial + ", O=" + ORGANIZATION);
      X509Certificate f9 = ca(deviceName, device.getPublic(), rootName, key, now.minus(BACKDATE), notAfter, random);
      X509v3CertificateBuilder leaf = new X509v3CertificateBuilder(deviceName, serialNumber(random),
          f9.getNotBefore(), f9.getNotAfter(), new X500Name("CN=YubiKey PIV Attestation 9a"),
          SubjectPublicKeyInfo.getInstance(attested.getEncoded()));
      extension(leaf, ".3", new byte[] {5, 7, 1}); // firmware 5.7.1
      extension(leaf, ".7", new ASN1Integer(serial).getEncoded());
      extension(leaf, ".8", new byte[] {2, 1}); // PIN policy once, touch policy never
      extension(leaf, ".9", new byte[] {1}); // form factor: USB-A keychain
      return new Attestation(List.of(sign(leaf, device.getPrivate()), f9), serial);
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue the development attestation chain: " + e.getMessage(), e);
    }
  }

  /**
   * The public key in a PEM file the developer holds: a public key ({@code PUBLIC KEY}), a certificate signing
   * request ({@code CERTIFICATE REQUEST}, its signature checked) or an unencrypted private key (PKCS#8, SEC1 EC or
   * PKCS#1 RSA; EC, RSA, Ed25519 or Ed448), of which only the public half is used. Messages never quote the file.
   */
  public static PublicKey readPublicKey(Path file) throws IOException {
    requireSmall(file);
    Object object;
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
      object = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(file + " is not a PEM key or certificate signing request");
    }
    try {
      if (object instanceof SubjectPublicKeyInfo spki) {
        return jdkKey(spki);
      }
      if (object instanceof PKCS10CertificationRequest csr) {
        if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(BC)
            .build(csr.getSubjectPublicKeyInfo()))) {
          throw new IllegalStateException(file + ": the certificate signing request's signature does not verify");
        }
        return jdkKey(csr.getSubjectPublicKeyInfo());
      }
      if (object instanceof PEMKeyPair pair) {
        return pair.getPublicKeyInfo() != null ? jdkKey(pair.getPublicKeyInfo())
            : publicKeyOf(pair.getPrivateKeyInfo());
      }
      if (object instanceof PrivateKeyInfo info) {
        return publicKeyOf(info);
      }
    } catch (OperatorCreationException | PKCSException | IOException | RuntimeException e) {
      if (e instanceof IllegalStateException known) {
        throw known;
      }
      throw new IllegalStateException(file + " holds a key that cannot be read: " + e.getClass().getSimpleName());
    }
    throw new IllegalStateException(file + " holds no public key, certificate signing request or unencrypted "
        + "private key (an encrypted key must be decrypted first)");
  }

  // ---- helpers ------------------------------------------------------------------------------------------------

  /** The public half of a private key, computed from it (a PKCS#8 key need not carry its public key). */
  private static PublicKey publicKeyOf(PrivateKeyInfo info) throws IOException {
    AsymmetricKeyParameter key = PrivateKeyFactory.createKey(info);
    AsymmetricKeyParameter pub;
    if (key instanceof ECPrivateKeyParameters ec) {
      pub = new ECPublicKeyParameters(new FixedPointCombMultiplier().multiply(ec.getParameters().getG(), ec.getD())
          .normalize(), ec.getParameters());
    } else if (key instanceof RSAPrivateCrtKeyParameters rsa) {
      pub = new RSAKeyParameters(false, rsa.getModulus(), rsa.getPublicExponent());
    } else if (key instanceof Ed25519PrivateKeyParameters ed) {
      pub = ed.generatePublicKey();
    } else if (key instanceof Ed448PrivateKeyParameters ed) {
      pub = ed.generatePublicKey();
    } else {
      throw new IllegalStateException("unsupported private key type " + key.getClass().getSimpleName()
          + "; give the public key or a certificate signing request instead");
    }
    return jdkKey(SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pub));
  }

  /** The JDK's key for a SubjectPublicKeyInfo, so that its encoding is the one the server compares. */
  private static PublicKey jdkKey(SubjectPublicKeyInfo spki) throws IOException {
    return new JcaPEMKeyConverter().getPublicKey(spki);
  }

  private static void requireSmall(Path file) throws IOException {
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new IllegalStateException(file + " is larger than " + MAX_FILE_BYTES + " bytes; it is not a key file");
    }
  }

  private static void extension(X509v3CertificateBuilder b, String suffix, byte[] raw) throws IOException {
    // Yubico's values are raw octets inside the extension's OCTET STRING, not DER-wrapped (the serial aside)
    b.addExtension(new ASN1ObjectIdentifier(YUBICO_ARC + suffix), false, raw);
  }

  private static X509Certificate ca(X500Name subject, PublicKey subjectKey, X500Name issuer, PrivateKey issuerKey,
      Instant notBefore, Instant notAfter, SecureRandom random) {
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serialNumber(random),
          Date.from(notBefore), Date.from(notAfter), subject, subjectKey)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return sign(b, issuerKey);
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make the development attestation ca: " + e.getMessage(), e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws GeneralSecurityException, OperatorCreationException {
    return new JcaX509CertificateConverter().getCertificate(b.build(
        new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  private static KeyPair ecP256(SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make EC P-256 keys", e);
    }
  }

  private static BigInteger serialNumber(SecureRandom random) {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }
}
