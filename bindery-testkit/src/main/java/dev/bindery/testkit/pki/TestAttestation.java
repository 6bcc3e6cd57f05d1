package dev.bindery.testkit.pki;

import dev.bindery.pki.AttestationFormat;
import dev.bindery.pki.Pem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Boolean;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A fake hardware vendor for tests of key attestation: a vendor root, an intermediate and, for any public key, an
 * attestation certificate in the shape of a real format, plus the variants a verifier must refuse. Keys are EC
 * P-256 and signatures ES256; the structure (names, extensions, validity) follows the real formats:
 *
 * <ul>
 *   <li>{@link AttestationFormat#YUBIKEY_PIV}: root, then the slot F9 attestation certificate (a CA), then the
 *       attestation certificate {@code CN=YubiKey PIV Attestation 9a} with the dates of the F9 certificate and the
 *       Yubico extensions firmware {@code 1.3.6.1.4.1.41482.3.3} (3 raw octets 5.4.3), serial {@code .3.7}
 *       (DER INTEGER {@value #YUBIKEY_SERIAL}), PIN/touch policy {@code .3.8} (2 raw octets: once, never) and form
 *       factor {@code .3.9} (1 raw octet);</li>
 *   <li>{@link AttestationFormat#ANDROID_KEY}: root, then a batch intermediate, then {@code CN=Android Keystore
 *       Key} valid from 1970 to 2048 with a KeyDescription {@code 1.3.6.1.4.1.11129.2.1.17} (attestation and
 *       KeyMint version 300, TrustedEnvironment, a software-enforced list with creation time and application id,
 *       a hardware-enforced list with purpose SIGN, algorithm EC, size 256, curve P-256, origin GENERATED, a
 *       root of trust and an OS version).</li>
 * </ul>
 *
 * <pre>{@code
 * TestAttestation vendor = TestAttestation.yubikeyPiv(clock.instant());
 * var verifier = new KeyAttestationVerifier(List.of(vendor.root()), clock);
 * String pem = vendor.attest(key.getPublic()).pem();            // attested
 * String bad = vendor.attest(key.getPublic()).expired().pem();  // refused
 * }</pre>
 */
public final class TestAttestation {
  public static final long YUBIKEY_SERIAL = 12_345_678L;
  static final String YUBICO_ARC = "1.3.6.1.4.1.41482.3";
  static final ASN1ObjectIdentifier KEY_DESCRIPTION = new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.1.17");
  private static final Instant ANDROID_NOT_BEFORE = Instant.parse("1970-01-01T00:00:00Z");
  private static final Instant ANDROID_NOT_AFTER = Instant.parse("2048-01-01T00:00:00Z");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration CA_VALIDITY = Duration.ofDays(3650);

  private final AttestationFormat format;
  private final Instant now;
  private final Issuer root;
  private final Issuer intermediate;

  private TestAttestation(AttestationFormat format, Instant now, Instant rootNotAfter) {
    this.format = format;
    this.now = now;
    boolean yubikey = format == AttestationFormat.YUBIKEY_PIV;
    String rootName = yubikey ? "CN=Test Yubico PIV Root CA Serial 263751"
        : "SERIALNUMBER=f92009e853b6b045, CN=Test Android Hardware Attestation Root";
    this.root = Issuer.root(rootName, now, rootNotAfter);
    this.intermediate = root.issueCa(yubikey ? "CN=Test Yubico PIV Attestation" : "CN=Test Droid CA2, O=Test Google",
        now);
  }

  /** A fake Yubico: a PIV root and one YubiKey's slot F9 attestation certificate, valid for 10 years. */
  public static TestAttestation yubikeyPiv(Instant now) {
    return of(AttestationFormat.YUBIKEY_PIV, now);
  }

  /** A fake Google: a hardware attestation root and one device batch's intermediate, valid for 10 years. */
  public static TestAttestation androidKey(Instant now) {
    return of(AttestationFormat.ANDROID_KEY, now);
  }

  public static TestAttestation of(AttestationFormat format, Instant now) {
    return new TestAttestation(format, now, now.plus(CA_VALIDITY));
  }

  /** A vendor whose root expires at {@code rootNotAfter}, while its intermediates stay valid for 10 years. */
  public static TestAttestation withRootExpiringAt(AttestationFormat format, Instant now, Instant rootNotAfter) {
    return new TestAttestation(format, now, rootNotAfter);
  }

  public AttestationFormat format() {
    return format;
  }

  /** The vendor root, to configure as trusted. */
  public X509Certificate root() {
    return root.certificate;
  }

  public String rootPem() {
    return Pem.certificate(root.certificate);
  }

  /** An attestation chain for {@code key}; valid unless a variant is chosen. */
  public Chain attest(PublicKey key) {
    return new Chain(Objects.requireNonNull(key, "key"));
  }

  /** One attestation chain, the attestation certificate first. Each variant breaks exactly one thing. */
  public final class Chain {
    private PublicKey certified;
    private boolean withRoot;
    private boolean expired;
    private boolean withoutMarker;
    private boolean foreignRoot;
    private boolean impostorRoot;
    private boolean tooLong;
    private boolean tampered;
    private boolean reversed;
    private int attestationLevel = 1;
    private int keyMintLevel = 1;
    private Integer hardwareOrigin = 0;
    private Integer softwareOrigin;
    private ASN1Encodable keyDescription;
    private final Map<String, byte[]> extraExtensions = new LinkedHashMap<>();
    private final Set<String> omitted = new HashSet<>();

    private Chain(PublicKey key) {
      this.certified = key;
    }

    /** The attestation certifies a different, fresh key. */
    public Chain wrongKey() {
      this.certified = TestKeys.ecP256().getPublic();
      return this;
    }

    /** The vendor root is sent too, last. */
    public Chain withRoot() {
      this.withRoot = true;
      return this;
    }

    /** The attestation certificate's validity ended a day before {@code now}. */
    public Chain expired() {
      this.expired = true;
      return this;
    }

    /** The attestation certificate lacks the vendor's hardware attestation extensions. */
    public Chain withoutMarker() {
      this.withoutMarker = true;
      return this;
    }

    /** Issued under another vendor's root (with another name), which the verifier does not trust. */
    public Chain foreignRoot() {
      this.foreignRoot = true;
      return this;
    }

    /** Issued under a root with the trusted root's name but another key. */
    public Chain impostorRoot() {
      this.impostorRoot = true;
      return this;
    }

    /** Six certificates: five intermediates between the root and the attestation certificate. */
    public Chain tooLong() {
      this.tooLong = true;
      return this;
    }

    /** A bit of the attestation certificate's signature is flipped. */
    public Chain tamperedSignature() {
      this.tampered = true;
      return this;
    }

    /** The certificates in reverse order (root side first). */
    public Chain reversed() {
      this.reversed = true;
      return this;
    }

    /** Adds (or, for a YubiKey extension, replaces) an extension with raw value octets. */
    public Chain extension(String oid, byte[] rawValue) {
      extraExtensions.put(oid, rawValue.clone());
      return this;
    }

    /** Leaves out one of the format's extensions, for example the YubiKey serial {@code 1.3.6.1.4.1.41482.3.7}. */
    public Chain withoutExtension(String oid) {
      omitted.add(oid);
      return this;
    }

    /** Android: both the attestation and the KeyMint security level (0 software, 1 TEE, 2 StrongBox). */
    public Chain securityLevel(int level) {
      return securityLevels(level, level);
    }

    public Chain securityLevels(int attestation, int keyMint) {
      requireAndroid();
      this.attestationLevel = attestation;
      this.keyMintLevel = keyMint;
      return this;
    }

    /** Android: the origin [702] in the hardware- and software-enforced lists (null: absent; 0 GENERATED). */
    public Chain origin(Integer hardwareEnforced, Integer softwareEnforced) {
      requireAndroid();
      this.hardwareOrigin = hardwareEnforced;
      this.softwareOrigin = softwareEnforced;
      return this;
    }

    /** Android: replaces the whole KeyDescription value (to test malformed ones). */
    public Chain keyDescription(ASN1Encodable value) {
      requireAndroid();
      this.keyDescription = value;
      return this;
    }

    public List<X509Certificate> certificates() {
      List<Issuer> issuers = new ArrayList<>();
      Instant rootNotAfter = now.plus(CA_VALIDITY);
      Issuer top = foreignRoot ? Issuer.root("CN=Test Foreign Attestation Root", now, rootNotAfter)
          : impostorRoot ? Issuer.root(root.name, now, rootNotAfter) : root;
      Issuer signer = top == root ? intermediate : top.issueCa(intermediate.name, now);
      issuers.add(signer);
      if (tooLong) {
        for (int i = 0; i < 4; i++) {
          signer = signer.issueCa("CN=Test Attestation Intermediate " + (i + 2), now);
          issuers.add(signer);
        }
      }
      List<X509Certificate> out = new ArrayList<>();
      out.add(leaf(signer));
      for (int i = issuers.size() - 1; i >= 0; i--) {
        out.add(issuers.get(i).certificate);
      }
      if (withRoot) {
        out.add(top.certificate);
      }
      if (reversed) {
        Collections.reverse(out);
      }
      return List.copyOf(out);
    }

    public String pem() {
      return Pem.certificates(certificates());
    }

    private X509Certificate leaf(Issuer signer) {
      Instant from;
      Instant to;
      if (format == AttestationFormat.YUBIKEY_PIV) {
        // the device copies the dates of its slot F9 certificate
        from = signer.certificate.getNotBefore().toInstant();
        to = signer.certificate.getNotAfter().toInstant();
      } else {
        from = ANDROID_NOT_BEFORE;
        to = ANDROID_NOT_AFTER;
      }
      if (expired) {
        from = now.minus(Duration.ofDays(30));
        to = now.minus(Duration.ofDays(1));
      }
      String subject = format == AttestationFormat.YUBIKEY_PIV ? "CN=YubiKey PIV Attestation 9a"
          : "CN=Android Keystore Key";
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(signer.name),
          new BigInteger(1, randomBytes(16)), Date.from(from), Date.from(to), new X500Name(subject), certified);
      try {
        Map<String, byte[]> extensions = new LinkedHashMap<>();
        if (!withoutMarker) {
          if (format == AttestationFormat.YUBIKEY_PIV) {
            extensions.put(YUBICO_ARC + ".3", new byte[] {5, 4, 3});
            extensions.put(YUBICO_ARC + ".7", new ASN1Integer(YUBIKEY_SERIAL).getEncoded());
            extensions.put(YUBICO_ARC + ".8", new byte[] {2, 1});
            extensions.put(YUBICO_ARC + ".9", new byte[] {3});
          } else {
            extensions.put(KEY_DESCRIPTION.getId(),
                (keyDescription != null ? keyDescription : androidKeyDescription()).toASN1Primitive().getEncoded());
          }
        }
        extensions.putAll(extraExtensions);
        for (var e : extensions.entrySet()) {
          if (!omitted.contains(e.getKey())) {
            b.addExtension(new ASN1ObjectIdentifier(e.getKey()), false, e.getValue());
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      X509Certificate leaf = signer.sign(b);
      return tampered ? tamper(leaf) : leaf;
    }

    private ASN1Encodable androidKeyDescription() {
      ASN1EncodableVector software = new ASN1EncodableVector();
      software.add(tagged(701, new ASN1Integer(now.toEpochMilli())));
      if (softwareOrigin != null) {
        software.add(tagged(702, new ASN1Integer(softwareOrigin)));
      }
      software.add(tagged(709, new DEROctetString(new byte[] {0x30, 0x00})));
      ASN1EncodableVector hardware = new ASN1EncodableVector();
      hardware.add(tagged(1, new DERSet(new ASN1Integer(2))));
      hardware.add(tagged(2, new ASN1Integer(3)));
      hardware.add(tagged(3, new ASN1Integer(256)));
      hardware.add(tagged(10, new ASN1Integer(1)));
      hardware.add(tagged(503, DERNull.INSTANCE));
      if (hardwareOrigin != null) {
        hardware.add(tagged(702, new ASN1Integer(hardwareOrigin)));
      }
      hardware.add(tagged(704, new DERSequence(new ASN1Encodable[] {new DEROctetString(randomBytes(32)),
          ASN1Boolean.TRUE, new ASN1Enumerated(0), new DEROctetString(randomBytes(32))})));
      hardware.add(tagged(705, new ASN1Integer(140_000)));
      return new DERSequence(new ASN1Encodable[] {new ASN1Integer(300), new ASN1Enumerated(attestationLevel),
          new ASN1Integer(300), new ASN1Enumerated(keyMintLevel), new DEROctetString(randomBytes(16)),
          new DEROctetString(new byte[0]), new DERSequence(software), new DERSequence(hardware)});
    }

    private void requireAndroid() {
      if (format != AttestationFormat.ANDROID_KEY) {
        throw new IllegalStateException("only android key attestations have a key description");
      }
    }
  }

  /** An explicitly tagged context-specific value, {@code [tag] EXPLICIT value}. */
  public static DERTaggedObject tagged(int tag, ASN1Encodable value) {
    return new DERTaggedObject(true, tag, value);
  }

  private static X509Certificate tamper(X509Certificate c) {
    try {
      byte[] der = c.getEncoded();
      der[der.length - 1] ^= 0x01; // the signature BIT STRING ends the DER
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** A CA certificate and its key. */
  private record Issuer(String name, KeyPair key, X509Certificate certificate) {
    static Issuer root(String name, Instant now, Instant notAfter) {
      KeyPair key = TestKeys.ecP256();
      return new Issuer(name, key, ca(name, key, name, key, now, notAfter));
    }

    Issuer issueCa(String subject, Instant now) {
      KeyPair subjectKey = TestKeys.ecP256();
      return new Issuer(subject, subjectKey, ca(subject, subjectKey, name, key, now, now.plus(CA_VALIDITY)));
    }

    X509Certificate sign(X509v3CertificateBuilder builder) {
      try {
        var signer = new JcaContentSignerBuilder("SHA256withECDSA").setProvider(TestKeys.BC).build(key.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
      } catch (OperatorCreationException | CertificateException e) {
        throw new IllegalStateException("cannot sign the test attestation certificate", e);
      }
    }

    private static X509Certificate ca(String subject, KeyPair subjectKey, String issuer, KeyPair issuerKey,
        Instant now, Instant notAfter) {
      var b = new JcaX509v3CertificateBuilder(new X500Name(issuer), new BigInteger(1, randomBytes(16)),
          Date.from(now.minus(Duration.ofDays(1))), Date.from(notAfter),
          new X500Name(subject), subjectKey.getPublic());
      try {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } catch (CertIOException e) {
        throw new IllegalStateException(e);
      }
      return new Issuer(issuer, issuerKey, null).sign(b);
    }
  }
}
