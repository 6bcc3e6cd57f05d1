package dev.bindery.pki;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.PublicKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.TBSCertificate;

/**
 * Decides whether a new credential's public key is attested as hardware-held: re-binding at assurance level 3
 * needs such a key (docs/rebinding.md, section "Assurance"). A key is attested when all of these hold:
 *
 * <ol>
 *   <li>the attestation chain (PEM text of at most {@value #MAX_CHAIN_CERTIFICATES} certificates and
 *       {@value #MAX_PEM_CHARS} characters, the attestation certificate first, each next one its issuer, the
 *       vendor root optionally last) validates with RFC 5280 path validation (the JDK's PKIX implementation,
 *       revocation checking off, validity at the injected clock's instant) to one of the configured vendor roots,
 *       itself valid at that instant; a chain to any other root is refused, whatever it contains;</li>
 *   <li>the attestation certificate's SubjectPublicKeyInfo is byte-for-byte the new key's DER encoding;</li>
 *   <li>the attestation certificate carries a vendor marker that proves hardware custody: the YubiKey PIV
 *       attestation extensions ({@link AttestationFormat#YUBIKEY_PIV}) or an Android KeyDescription that says
 *       TrustedEnvironment or StrongBox and a hardware-enforced GENERATED origin
 *       ({@link AttestationFormat#ANDROID_KEY}). A certificate carrying both markers is refused as ambiguous.</li>
 * </ol>
 *
 * A chain that was presented and fails any check is refused with {@code attestation_invalid} and a message naming
 * what failed (the chain's form, its order, the root, a signature, a validity period, the key, the marker). No
 * chain at all is not an error: the key is simply not attested. With no vendor root configured nothing is ever
 * attested (every key counts as software-held); a presented chain is then still checked for form and size.
 *
 * <p>Not checked: revocation (Google's attestation status list, CRLs), the Android attestation challenge (the key
 * itself is what gets bound, so an old attestation of the same key proves the same custody), Android verified-boot
 * state and key purposes, YubiKey PIN and touch policies (reported in {@link KeyAttestation#properties()}).
 */
public final class KeyAttestationVerifier {
  /** The most certificates an attestation chain may hold, its vendor root included if sent. */
  public static final int MAX_CHAIN_CERTIFICATES = 5;
  /** The longest attestation chain PEM text accepted, in characters. */
  public static final int MAX_PEM_CHARS = 64 * 1024;
  /** The request field rejections name. */
  public static final String FIELD = "attestation";
  /** The largest root bundle text accepted (a configuration file, not a request). */
  private static final int MAX_ROOTS_PEM_CHARS = 4 * 1024 * 1024;

  private static final Pattern PEM_BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]{1,40})-----([A-Za-z0-9+/=\\s]*)-----END ([A-Z0-9 ]{1,40})-----");
  private static final Pattern BLANK = Pattern.compile("\\s*");
  private static final Map<String, String> NAME_KEYWORDS = Map.of("2.5.4.5", "SERIALNUMBER");

  private final List<X509Certificate> roots;
  private final Clock clock;

  /**
   * @param vendorRoots the trusted vendor roots (for example the Yubico PIV root and the Google hardware
   *     attestation roots); may be empty, and then nothing is attested
   * @throws IllegalArgumentException if a root is not a CA certificate (basicConstraints cA=true)
   */
  public KeyAttestationVerifier(Collection<X509Certificate> vendorRoots, Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    List<X509Certificate> unique = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (X509Certificate root : Objects.requireNonNull(vendorRoots, "vendorRoots")) {
      if (root.getBasicConstraints() < 0) {
        throw new IllegalArgumentException("attestation root '" + subject(root)
            + "' is not a ca certificate (basicConstraints cA=true)");
      }
      if (seen.add(Base64.getEncoder().encodeToString(encoded(root)))) {
        unique.add(root);
      }
    }
    this.roots = List.copyOf(unique);
  }

  /** A verifier with no vendor root: it attests nothing. */
  public static KeyAttestationVerifier withoutRoots(Clock clock) {
    return new KeyAttestationVerifier(List.of(), clock);
  }

  /** The configured vendor roots, without duplicates. */
  public List<X509Certificate> roots() {
    return roots;
  }

  /**
   * Every certificate of a PEM text of vendor roots (a bundle file may hold several).
   *
   * @throws IllegalArgumentException naming what is wrong with the text
   */
  public static List<X509Certificate> parseRoots(String pem) {
    try {
      return parsePem(pem, "attestation root file", MAX_ROOTS_PEM_CHARS, Integer.MAX_VALUE);
    } catch (RejectedException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Verifies an attestation chain given as PEM text (consecutive {@code CERTIFICATE} blocks, the attestation
   * certificate first). A null or blank text means no attestation was presented.
   *
   * @param newKey the new credential's public key (from a verified CSR or a registered JWK)
   * @throws RejectedException {@code attestation_invalid} when a presented chain does not prove hardware custody
   */
  public KeyAttestation verify(PublicKey newKey, String chainPem) {
    Objects.requireNonNull(newKey, "newKey");
    if (chainPem == null || chainPem.isBlank()) {
      return KeyAttestation.notAttested("no attestation was presented");
    }
    return verify(newKey, parsePem(chainPem, "attestation", MAX_PEM_CHARS, MAX_CHAIN_CERTIFICATES));
  }

  /**
   * Verifies an attestation chain already parsed, the attestation certificate first. An empty list means no
   * attestation was presented.
   *
   * @throws RejectedException {@code attestation_invalid} when the chain does not prove hardware custody
   */
  public KeyAttestation verify(PublicKey newKey, List<X509Certificate> chain) {
    Objects.requireNonNull(newKey, "newKey");
    Objects.requireNonNull(chain, "chain");
    if (chain.isEmpty()) {
      return KeyAttestation.notAttested("no attestation was presented");
    }
    if (chain.size() > MAX_CHAIN_CERTIFICATES) {
      throw tooLong(chain.size());
    }
    if (roots.isEmpty()) {
      return KeyAttestation.notAttested("no attestation roots are configured; the key counts as software-held");
    }
    Instant now = clock.instant();
    List<X509Certificate> path = withoutTrailingRoot(chain);
    checkOrder(path);
    X509Certificate root = validatePath(path, now);
    X509Certificate leaf = path.get(0);
    if (!Arrays.equals(subjectPublicKeyInfo(leaf), newKey.getEncoded())) {
      throw invalid("attestation certificate certifies another key: its public key is not the new credential's key");
    }
    Extensions extensions = extensions(leaf);
    boolean yubikey = YubikeyPivAttestation.marked(extensions);
    boolean android = AndroidKeyAttestation.marked(extensions);
    if (yubikey && android) {
      throw invalid("attestation certificate carries both yubikey piv and android key attestation extensions");
    }
    if (yubikey) {
      return KeyAttestation.attested(AttestationFormat.YUBIKEY_PIV, subject(root),
          YubikeyPivAttestation.read(extensions, subject(leaf)));
    }
    if (android) {
      Map<String, String> properties = AndroidKeyAttestation.read(extensions);
      for (int i = 1; i < path.size(); i++) {
        if (AndroidKeyAttestation.marked(extensions(path.get(i)))) {
          throw invalid(describe(path, i) + " carries an android key description: chains through attestation "
              + "keys are not supported");
        }
      }
      return KeyAttestation.attested(AttestationFormat.ANDROID_KEY, subject(root), properties);
    }
    throw invalid("attestation certificate carries no hardware attestation marker: neither yubikey piv "
        + "attestation extensions (" + YubikeyPivAttestation.ARC + ".*) nor an android key description ("
        + AndroidKeyAttestation.KEY_DESCRIPTION.getId() + ")");
  }

  // ---- the chain ----------------------------------------------------------------------------------------

  /** The chain without its last certificate when that is one of the configured roots, byte for byte. */
  private List<X509Certificate> withoutTrailingRoot(List<X509Certificate> chain) {
    byte[] last = encoded(chain.get(chain.size() - 1));
    for (X509Certificate root : roots) {
      if (Arrays.equals(encoded(root), last)) {
        if (chain.size() == 1) {
          throw invalid("attestation chain holds only a vendor root; the attestation certificate must come first");
        }
        return chain.subList(0, chain.size() - 1);
      }
    }
    return chain;
  }

  private static void checkOrder(List<X509Certificate> path) {
    for (int i = 0; i + 1 < path.size(); i++) {
      if (!path.get(i).getIssuerX500Principal().equals(path.get(i + 1).getSubjectX500Principal())) {
        throw invalid("attestation chain is not in order: " + describe(path, i + 1) + " is not the issuer of "
            + describe(path, i) + " (send the attestation certificate first, then each issuer)");
      }
    }
  }

  /** PKIX validation to the configured roots whose subject is the last certificate's issuer; returns that root. */
  private X509Certificate validatePath(List<X509Certificate> path, Instant now) {
    X500Principal issuer = path.get(path.size() - 1).getIssuerX500Principal();
    Set<TrustAnchor> anchors = new HashSet<>();
    for (X509Certificate root : roots) {
      if (root.getSubjectX500Principal().equals(issuer)) {
        anchors.add(new TrustAnchor(root, null));
      }
    }
    if (anchors.isEmpty()) {
      throw invalid("attestation chain does not lead to a configured vendor root: its last certificate is issued "
          + "by '" + name(issuer) + "'");
    }
    X509Certificate root;
    try {
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false); // vendors publish no CRL for attestation certificates (see class doc)
      params.setDate(Date.from(now));
      var result = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX").validate(certPath, params);
      root = result.getTrustAnchor().getTrustedCert();
    } catch (CertPathValidatorException e) {
      throw pathRefused(path, e);
    } catch (InvalidAlgorithmParameterException | CertificateException e) {
      throw invalid("attestation chain cannot be validated: " + safe(e.getMessage()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks PKIX path validation", e);
    }
    if (now.isAfter(root.getNotAfter().toInstant())) {
      throw invalid("vendor root '" + subject(root) + "' expired at " + root.getNotAfter().toInstant());
    }
    if (now.isBefore(root.getNotBefore().toInstant())) {
      throw invalid("vendor root '" + subject(root) + "' is not valid before " + root.getNotBefore().toInstant());
    }
    return root;
  }

  private static RejectedException pathRefused(List<X509Certificate> path, CertPathValidatorException e) {
    int i = e.getIndex();
    boolean known = i >= 0 && i < path.size();
    String which = known ? describe(path, i) : "a certificate of the attestation chain";
    CertPathValidatorException.Reason reason = e.getReason();
    if (reason == BasicReason.EXPIRED && known) {
      return invalid(which + " expired at " + path.get(i).getNotAfter().toInstant());
    }
    if (reason == BasicReason.NOT_YET_VALID && known) {
      return invalid(which + " is not valid before " + path.get(i).getNotBefore().toInstant());
    }
    if (reason == BasicReason.INVALID_SIGNATURE) {
      return invalid("signature of " + which + " does not verify with its issuer's key");
    }
    if (reason == BasicReason.ALGORITHM_CONSTRAINED) {
      return invalid(which + " uses a signature or key algorithm that is not accepted");
    }
    if (reason == PKIXReason.NO_TRUST_ANCHOR) {
      return invalid("attestation chain does not validate to a configured vendor root");
    }
    if (reason == PKIXReason.NOT_CA_CERT) {
      return invalid(which + " issued a certificate but is not a ca certificate (basicConstraints cA=true)");
    }
    if (reason == PKIXReason.PATH_TOO_LONG) {
      return invalid(which + " exceeds its issuer's path length constraint");
    }
    if (reason == PKIXReason.INVALID_KEY_USAGE) {
      return invalid(which + " has a key usage that does not allow what the chain uses it for");
    }
    if (reason == PKIXReason.UNRECOGNIZED_CRIT_EXT) {
      return invalid(which + " has an unrecognized critical extension");
    }
    return invalid("attestation chain does not validate: " + safe(e.getMessage()));
  }

  // ---- PEM ----------------------------------------------------------------------------------------------

  /**
   * Strictly parses consecutive PEM {@code CERTIFICATE} blocks (RFC 7468): nothing but white space between and
   * around them, each a single DER certificate without trailing data.
   */
  private static List<X509Certificate> parsePem(String text, String what, int maxChars, int maxCertificates) {
    if (text == null || text.isBlank()) {
      throw invalid(what + " holds no pem certificate");
    }
    if (text.length() > maxChars) {
      throw invalid(what + " is larger than " + maxChars + " characters");
    }
    List<byte[]> blocks = new ArrayList<>();
    Matcher m = PEM_BLOCK.matcher(text);
    int at = 0;
    while (m.find()) {
      if (!BLANK.matcher(text.substring(at, m.start())).matches()) {
        throw invalid(what + " has text outside its pem certificate blocks");
      }
      if (!m.group(1).equals(m.group(3))) {
        throw invalid(what + " pem block begins as '" + m.group(1) + "' but ends as '" + m.group(3) + "'");
      }
      if (!m.group(1).equals("CERTIFICATE")) {
        throw invalid(what + " holds a pem '" + m.group(1) + "' block; only 'CERTIFICATE' blocks are accepted");
      }
      blocks.add(base64(m.group(2), what));
      if (blocks.size() > maxCertificates) {
        throw tooLong(countBlocks(text));
      }
      at = m.end();
    }
    if (blocks.isEmpty()) {
      throw invalid(what + " is not pem: expected '-----BEGIN CERTIFICATE-----' blocks");
    }
    if (!BLANK.matcher(text.substring(at)).matches()) {
      throw invalid(what + " has text outside its pem certificate blocks");
    }
    List<X509Certificate> out = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      out.add(certificate(blocks.get(i), what + " pem block " + (i + 1)));
    }
    return List.copyOf(out);
  }

  private static int countBlocks(String text) {
    Matcher m = PEM_BLOCK.matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private static byte[] base64(String body, String what) {
    byte[] der;
    try {
      der = Base64.getDecoder().decode(body.replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw invalid(what + " pem block is not valid base64");
    }
    if (der.length == 0) {
      throw invalid(what + " has an empty pem block");
    }
    return der;
  }

  private static X509Certificate certificate(byte[] der, String block) {
    try {
      var in = new ByteArrayInputStream(der);
      X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      if (in.available() != 0 || !Arrays.equals(c.getEncoded(), der)) {
        throw invalid(block + " has data after its certificate");
      }
      return c;
    } catch (CertificateException | RuntimeException e) {
      if (e instanceof RejectedException r) {
        throw r;
      }
      throw invalid(block + " is not a der x.509 certificate");
    }
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  /** The certificate's SubjectPublicKeyInfo exactly as its TBSCertificate encodes it. */
  private static byte[] subjectPublicKeyInfo(X509Certificate c) {
    try {
      return TBSCertificate.getInstance(c.getTBSCertificate()).getSubjectPublicKeyInfo()
          .getEncoded(ASN1Encoding.DER);
    } catch (CertificateEncodingException | IOException | RuntimeException e) {
      throw invalid("attestation certificate's public key cannot be read");
    }
  }

  private static Extensions extensions(X509Certificate c) {
    try {
      return TBSCertificate.getInstance(c.getTBSCertificate()).getExtensions();
    } catch (CertificateEncodingException | RuntimeException e) {
      throw invalid("attestation certificate's extensions cannot be read");
    }
  }

  private static byte[] encoded(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate cannot be encoded", e);
    }
  }

  private static String describe(List<X509Certificate> path, int i) {
    String role = i == 0 ? "attestation certificate" : "chain certificate " + (i + 1);
    return role + " '" + subject(path.get(i)) + "'";
  }

  private static String subject(X509Certificate c) {
    return name(c.getSubjectX500Principal());
  }

  /** RFC 2253, with serialNumber (vendor roots such as Google's are named by it) as a keyword, not an OID. */
  private static String name(X500Principal principal) {
    return safe(principal.getName(X500Principal.RFC2253, NAME_KEYWORDS));
  }

  /** Caller-supplied text for a message: printable ASCII, at most 120 characters. */
  private static String safe(String text) {
    if (text == null) {
      return "unreadable";
    }
    String t = text.length() > 120 ? text.substring(0, 120) + "..." : text;
    return t.replaceAll("[^\\x20-\\x7e]", "?");
  }

  private static RejectedException tooLong(int count) {
    return invalid("attestation chain has " + count + " certificates; at most " + MAX_CHAIN_CERTIFICATES
        + " are accepted");
  }

  static RejectedException invalid(String message) {
    return new RejectedException(ErrorCode.ATTESTATION_INVALID, message, FIELD);
  }
}
