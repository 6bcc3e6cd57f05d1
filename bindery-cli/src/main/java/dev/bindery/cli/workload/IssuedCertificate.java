package dev.bindery.cli.workload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bindery.cli.http.ContractViolation;
import dev.bindery.cli.pem.PemFiles;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The issued-certificate answer of {@code POST /api/v1/enrol} and {@code /api/v1/renew}
 * ({@code {"credential", "spiffe_id", "certificate_pem", "chain_pem"}}), checked before anything is written:
 * exactly one leaf certificate, for the key this process holds, signed by the first certificate of a
 * non-empty chain. Anything else breaks the API contract (exit 4) and nothing is written.
 */
public record IssuedCertificate(JsonNode answer, X509Certificate leaf, List<X509Certificate> chain) {
  public IssuedCertificate {
    chain = List.copyOf(chain);
  }

  static IssuedCertificate check(JsonNode answer, PublicKey requestedKey) {
    return check(answer, key -> MessageDigest.isEqual(key.getEncoded(), requestedKey.getEncoded()));
  }

  /** As {@link #check(JsonNode, PublicKey)}, for a caller who knows the requested key by a test of it only. */
  public static IssuedCertificate check(JsonNode answer, Predicate<PublicKey> requestedKey) {
    List<X509Certificate> leaves = certificates(answer, "certificate_pem");
    if (leaves.size() != 1) {
      throw new ContractViolation("the server's certificate_pem holds " + leaves.size()
          + " certificates, not one");
    }
    X509Certificate leaf = leaves.get(0);
    if (!requestedKey.test(leaf.getPublicKey())) {
      throw new ContractViolation("the server issued a certificate for another public key than the one"
          + " requested; nothing was written");
    }
    List<X509Certificate> chain = certificates(answer, "chain_pem");
    if (chain.isEmpty()) {
      throw new ContractViolation("the server's chain_pem holds no certificate");
    }
    try {
      leaf.verify(chain.get(0).getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new ContractViolation("the issued certificate is not signed by the first certificate of"
          + " chain_pem; nothing was written");
    }
    return new IssuedCertificate(answer, leaf, chain);
  }

  /** Leaf then chain, the full chain a TLS peer presents. */
  public List<X509Certificate> fullChain() {
    List<X509Certificate> all = new ArrayList<>();
    all.add(leaf);
    all.addAll(chain);
    return all;
  }

  public JsonNode credential() {
    return answer.path("credential");
  }

  private static List<X509Certificate> certificates(JsonNode answer, String field) {
    JsonNode pem = answer.path(field);
    if (!pem.isTextual()) {
      throw new ContractViolation("the server's answer has no " + field);
    }
    try {
      return PemFiles.parseCertificates(pem.asText().getBytes(StandardCharsets.US_ASCII));
    } catch (CertificateException e) {
      throw new ContractViolation("the server's " + field + " is not PEM certificates");
    }
  }
}
