package dev.bindery.testkit.pki;

import java.io.IOException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Builds PKCS#10 requests for tests, including ones Bindery must refuse: a requested CA certificate, requested
 * names, a weak signature algorithm, a broken signature.
 *
 * <pre>{@code String pem = TestCsr.forKey(TestKeys.ecP256()).subject("CN=admin").requestDnsName("x").pem();}</pre>
 */
public final class TestCsr {
  private final KeyPair key;
  private String subject = "CN=test workload";
  private String signatureAlgorithm;
  private Boolean requestCa;
  private final List<GeneralName> names = new ArrayList<>();
  private boolean tamperSignature;

  private TestCsr(KeyPair key) {
    this.key = Objects.requireNonNull(key);
    this.signatureAlgorithm = defaultAlgorithm(key);
  }

  public static TestCsr forKey(KeyPair key) {
    return new TestCsr(key);
  }

  /** A valid EC P-256 request with no extensions. */
  public static String ecP256Pem() {
    return forKey(TestKeys.ecP256()).pem();
  }

  public TestCsr subject(String dn) {
    this.subject = dn;
    return this;
  }

  public TestCsr signatureAlgorithm(String jcaName) {
    this.signatureAlgorithm = jcaName;
    return this;
  }

  /** Requests basicConstraints with the given cA flag. */
  public TestCsr requestBasicConstraints(boolean ca) {
    this.requestCa = ca;
    return this;
  }

  public TestCsr requestUri(String uri) {
    names.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
    return this;
  }

  public TestCsr requestDnsName(String dns) {
    names.add(new GeneralName(GeneralName.dNSName, dns));
    return this;
  }

  /** Flips a bit in the signature, so the request no longer verifies. */
  public TestCsr tamperSignature() {
    this.tamperSignature = true;
    return this;
  }

  public byte[] der() {
    try {
      var builder = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), key.getPublic());
      if (requestCa != null || !names.isEmpty()) {
        ExtensionsGenerator ext = new ExtensionsGenerator();
        if (requestCa != null) {
          ext.addExtension(Extension.basicConstraints, true, new BasicConstraints(requestCa));
        }
        if (!names.isEmpty()) {
          ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
        }
        builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
      }
      PKCS10CertificationRequest request = builder.build(
          new JcaContentSignerBuilder(signatureAlgorithm).setProvider(TestKeys.BC).build(key.getPrivate()));
      byte[] der = request.getEncoded();
      if (tamperSignature) {
        der[der.length - 1] ^= 0x01; // the signature BIT STRING ends the DER
      }
      return der;
    } catch (IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot build the test CSR", e);
    }
  }

  public String pem() {
    return pem("CERTIFICATE REQUEST", der());
  }

  /** {@code der} as a PEM block with {@code label}, 64 characters a line. */
  public static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + label + "-----\n";
  }

  private static String defaultAlgorithm(KeyPair key) {
    return switch (key.getPublic().getAlgorithm()) {
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "DSA" -> "SHA256withDSA";
      case "Ed25519" -> "Ed25519";
      case "Ed448" -> "Ed448";
      case "EdDSA" -> key.getPublic().getEncoded().length > 50 ? "Ed448" : "Ed25519";
      default -> throw new IllegalArgumentException("no default signature algorithm for " + key.getPublic().getAlgorithm());
    };
  }
}
