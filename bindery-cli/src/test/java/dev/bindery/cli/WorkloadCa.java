package dev.bindery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bindery.cli.FakeBinderyServer.Received;
import dev.bindery.cli.FakeBinderyServer.Reply;
import dev.bindery.cli.http.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Plays Bindery's CA for the enroll and renew tests: a root and an intermediate generated at run time, which
 * issue X.509-SVIDs for the keys of the CSRs the CLI sends and build the issued-certificate answer of
 * docs/api.md. Also reads and writes the PEM files a workload holds, independently of the CLI's code.
 */
final class WorkloadCa {
  static final String IDENTITY = "nhi_abc";
  static final String SPIFFE_ID = "spiffe://bindery.test/nhi/" + IDENTITY;

  final X509Certificate root;
  final X509Certificate intermediate;
  private final KeyPair intermediateKey;
  private final AtomicInteger nextSerial = new AtomicInteger(0x4f1c00);

  private WorkloadCa(X509Certificate root, X509Certificate intermediate, KeyPair intermediateKey) {
    this.root = root;
    this.intermediate = intermediate;
    this.intermediateKey = intermediateKey;
  }

  static WorkloadCa generate() throws Exception {
    KeyPair rootKey = ecKey();
    KeyPair intermediateKey = ecKey();
    X500Name rootName = new X500Name("CN=Bindery test root");
    X500Name intermediateName = new X500Name("CN=Bindery test intermediate");
    X509Certificate root = sign(ca(rootName, rootName, rootKey.getPublic(), 1), rootKey.getPrivate());
    X509Certificate intermediate = sign(ca(rootName, intermediateName, intermediateKey.getPublic(), 2),
        rootKey.getPrivate());
    return new WorkloadCa(root, intermediate, intermediateKey);
  }

  /** An X.509-SVID for {@code key}: URI SAN of the identity, clientAuth/serverAuth usage, 24 h. */
  X509Certificate issue(PublicKey key) {
    try {
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          new X500Name("CN=Bindery test intermediate"), BigInteger.valueOf(nextSerial.getAndIncrement()),
          Date.from(now.minus(Duration.ofMinutes(1))), Date.from(now.plus(Duration.ofHours(24))),
          new X500Name(""), key);
      builder.addExtension(Extension.subjectAlternativeName, true,
          new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, SPIFFE_ID)));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      return sign(builder, intermediateKey.getPrivate());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The answer to an enrol or renew request: a certificate for the CSR's key, with this generation. */
  Reply issuedReply(Received request, int generation) {
    PKCS10CertificationRequest csr = verifiedCsr(request.body());
    try {
      X509Certificate leaf = issue(publicKeyOf(csr));
      return new Reply(201, "application/json", issuedJson(leaf, generation), Map.of());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The issued-certificate JSON of docs/api.md for {@code leaf}. */
  String issuedJson(X509Certificate leaf, int generation) {
    ObjectNode credential = Json.object();
    credential.put("id", "cred_" + generation);
    credential.put("identity_id", IDENTITY);
    credential.put("type", "x509_svid");
    credential.put("status", "active");
    credential.put("usable", true);
    credential.put("lineage_id", "lin_1");
    credential.put("generation", generation);
    credential.put("serial", leaf.getSerialNumber().toString(16));
    credential.put("thumbprint", "dGh1bWI");
    credential.put("key_type", "EC P-256");
    credential.put("not_before", leaf.getNotBefore().toInstant().toString());
    credential.put("not_after", "2026-11-24T19:40:00.123Z");
    credential.put("bound_by", generation == 1 ? "op_1" : IDENTITY);
    credential.put("bound_at", "2026-11-23T19:40:00.123Z");
    credential.put("bind_method", generation == 1 ? "enrolment" : "renewal");
    credential.put("assurance", "software");
    credential.putNull("last_used_at");
    credential.putNull("revoked_at");
    credential.putNull("revocation_reason");
    credential.putNull("superseded_by");
    credential.putNull("display_prefix");
    ObjectNode answer = Json.object();
    answer.set("credential", credential);
    answer.put("spiffe_id", SPIFFE_ID);
    answer.put("certificate_pem", pem(leaf));
    answer.put("chain_pem", pem(intermediate, root));
    return answer.toString();
  }

  /** The {@code csr} of a request body, whose signature must verify (else the test fails). */
  static PKCS10CertificationRequest verifiedCsr(String requestBody) {
    JsonNode body = Json.parse(requestBody);
    try (PEMParser parser = new PEMParser(new StringReader(body.path("csr").asText()))) {
      PKCS10CertificationRequest csr = (PKCS10CertificationRequest) parser.readObject();
      if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKeyOf(csr)))) {
        throw new AssertionError("the CSR's signature does not verify");
      }
      return csr;
    } catch (Exception e) {
      throw new AssertionError("not a valid CSR: " + e, e);
    }
  }

  /** The CSR's public key, decoded by the JDK. */
  static PublicKey publicKeyOf(PKCS10CertificationRequest csr) {
    try {
      String oid = csr.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm().getId();
      String algorithm = switch (oid) {
        case "1.2.840.10045.2.1" -> "EC";
        case "1.2.840.113549.1.1.1" -> "RSA";
        case "1.3.101.112" -> "Ed25519";
        default -> throw new AssertionError("unexpected key algorithm " + oid);
      };
      return KeyFactory.getInstance(algorithm)
          .generatePublic(new X509EncodedKeySpec(csr.getSubjectPublicKeyInfo().getEncoded()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair ecKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  static String pem(X509Certificate... certificates) {
    StringBuilder pem = new StringBuilder();
    for (X509Certificate certificate : certificates) {
      try {
        pem.append("-----BEGIN CERTIFICATE-----\n")
            .append(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(certificate.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return pem.toString();
  }

  static List<X509Certificate> readCertificates(Path file) throws Exception {
    List<X509Certificate> out = new ArrayList<>();
    for (Certificate c : CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)))) {
      out.add((X509Certificate) c);
    }
    return out;
  }

  /** A PKCS#8 {@code PRIVATE KEY} PEM file read with the JDK alone, for a key of the given JCA algorithm. */
  static PrivateKey readPkcs8(Path file, String algorithm) throws Exception {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    if (!pem.startsWith("-----BEGIN PRIVATE KEY-----\n") || !pem.strip().endsWith("-----END PRIVATE KEY-----")) {
      throw new AssertionError("not a PKCS#8 PEM file: " + file);
    }
    String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
        .replaceAll("\\s", "");
    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
        .decode(base64)));
  }

  /** True when the private key signs what the public key verifies: the two form a pair. */
  static boolean pair(PrivateKey privateKey, PublicKey publicKey) throws Exception {
    String algorithm = publicKey instanceof ECKey ec
        ? (ec.getParams().getOrder().bitLength() > 256 ? "SHA384withECDSA" : "SHA256withECDSA")
        : publicKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "Ed25519";
    byte[] data = "bindery".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(privateKey);
    signer.update(data);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(publicKey);
    verifier.update(data);
    return verifier.verify(signature);
  }

  /** Writes the key as PKCS#8 PEM, the way {@code enroll} does. */
  static Path writePkcs8(Path file, PrivateKey key) throws IOException {
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
      writer.writeObject(new JcaPKCS8Generator(key, null));
    }
    return Files.writeString(file, pem.toString());
  }

  private static JcaX509v3CertificateBuilder ca(X500Name issuer, X500Name subject, PublicKey key, long serial)
      throws Exception {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(serial),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(2))), subject, key);
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return builder;
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder builder, PrivateKey issuerKey)
      throws Exception {
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
  }
}
