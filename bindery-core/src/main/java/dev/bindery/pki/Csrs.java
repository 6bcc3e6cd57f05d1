package dev.bindery.pki;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.Hashing;
import dev.bindery.common.RejectedException;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Verifies PKCS#10 certification requests (RFC 2986) sent in PEM (RFC 7468, label {@code CERTIFICATE REQUEST}).
 * Only the public key of a request is used; the CA decides every field of the certificate.
 *
 * <p>Rejected, in this order, each with its code: a missing, oversized ({@value #MAX_PEM_CHARS} characters),
 * non-PEM, wrong-type, truncated or trailing-data request ({@code csr_malformed}); a key other than EC P-256,
 * EC P-384, Ed25519 or RSA of 2048 to 8192 bits ({@code key_unsupported}; RSA under 2048 bits is
 * {@code key_too_weak}); a signature algorithm not accepted for the key (SHA-1, MD5, PSS over SHA-1) or a
 * signature that does not verify ({@code csr_signature_invalid}); an extension request for a CA certificate
 * (basicConstraints cA=true) or for subject alternative names ({@code csr_not_permitted}). The subject DN and
 * other requested extensions are ignored.
 */
public final class Csrs {
  /** The largest PEM text accepted; an RSA-8192 request is about 2,500 characters. */
  public static final int MAX_PEM_CHARS = 16 * 1024;

  private static final Pattern PEM_LABEL = Pattern.compile("-----BEGIN ([A-Z0-9 ]{1,40})-----");
  private static final Set<String> CSR_LABELS = Set.of("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST");
  private static final int MAX_RSA_BITS = 8192;

  private static final Set<ASN1ObjectIdentifier> ECDSA_SIGNATURES = Set.of(X9ObjectIdentifiers.ecdsa_with_SHA256,
      X9ObjectIdentifiers.ecdsa_with_SHA384, X9ObjectIdentifiers.ecdsa_with_SHA512);
  private static final Set<ASN1ObjectIdentifier> RSA_SIGNATURES = Set.of(PKCSObjectIdentifiers.sha256WithRSAEncryption,
      PKCSObjectIdentifiers.sha384WithRSAEncryption, PKCSObjectIdentifiers.sha512WithRSAEncryption);
  private static final Set<ASN1ObjectIdentifier> PSS_HASHES = Set.of(NISTObjectIdentifiers.id_sha256,
      NISTObjectIdentifiers.id_sha384, NISTObjectIdentifiers.id_sha512);
  private static final Map<ASN1ObjectIdentifier, String> KNOWN_KEY_ALGORITHMS = Map.of(
      X9ObjectIdentifiers.id_dsa, "DSA",
      EdECObjectIdentifiers.id_Ed448, "Ed448",
      EdECObjectIdentifiers.id_X25519, "X25519",
      EdECObjectIdentifiers.id_X448, "X448",
      PKCSObjectIdentifiers.id_RSASSA_PSS, "RSASSA-PSS",
      PKCSObjectIdentifiers.dhKeyAgreement, "DH");
  private static final Map<ASN1ObjectIdentifier, String> KNOWN_CURVES = Map.of(
      SECObjectIdentifiers.secp521r1, "P-521",
      SECObjectIdentifiers.secp256k1, "secp256k1",
      SECObjectIdentifiers.secp224r1, "P-224",
      X9ObjectIdentifiers.prime192v1, "P-192");

  private Csrs() {}

  /** Verifies a request that must not ask for any subject alternative name. */
  public static VerifiedCsr verify(String pem) {
    return verify(pem, (String) null, false);
  }

  /**
   * Verifies a request that may ask for exactly one subject alternative name, the URI {@code permittedSpiffeId}
   * (the identity's own SPIFFE id, as SPIFFE tooling puts it in its requests); any other name is refused.
   */
  public static VerifiedCsr verify(String pem, String permittedSpiffeId) {
    return verify(pem, Objects.requireNonNull(permittedSpiffeId, "permittedSpiffeId"), true);
  }

  private static VerifiedCsr verify(String pem, String permittedSpiffeId, boolean sanPermitted) {
    PKCS10CertificationRequest request = parse(pem);
    SubjectPublicKeyInfo spki = request.getSubjectPublicKeyInfo();
    KeyType type = keyType(spki);
    PublicKey key = publicKey(spki, type);
    checkSignature(request, type, key);
    checkRequestedExtensions(request, sanPermitted ? permittedSpiffeId : null);
    String fingerprint = Base64.getUrlEncoder().withoutPadding().encodeToString(Hashing.sha256(key.getEncoded()));
    return new VerifiedCsr(key, type.label, fingerprint);
  }

  static PKCS10CertificationRequest parse(String pem) {
    if (pem == null || pem.isBlank()) {
      throw malformed("csr is empty; expected a pem 'CERTIFICATE REQUEST'");
    }
    if (pem.length() > MAX_PEM_CHARS) {
      throw malformed("csr is larger than " + MAX_PEM_CHARS + " characters");
    }
    String text = pem.strip();
    var begin = PEM_LABEL.matcher(text);
    if (!begin.lookingAt()) {
      throw malformed("csr is not pem: it must start with '-----BEGIN CERTIFICATE REQUEST-----'");
    }
    String label = begin.group(1);
    if (!CSR_LABELS.contains(label)) {
      throw malformed("csr pem block is a '" + label + "', expected a 'CERTIFICATE REQUEST'");
    }
    String end = "-----END " + label + "-----";
    int endAt = text.indexOf(end, begin.end());
    if (endAt < 0) {
      throw malformed("csr pem is truncated: no '" + end + "' line");
    }
    if (endAt + end.length() != text.length()) {
      throw malformed("csr pem has data after its '" + end + "' line");
    }
    String body = text.substring(begin.end(), endAt).replaceAll("[ \\t\\r\\n]", "");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw malformed("csr pem body is not valid base64");
    }
    if (der.length == 0) {
      throw malformed("csr pem body is empty");
    }
    try {
      // fromByteArray refuses truncated input and data after the outer SEQUENCE
      ASN1Primitive primitive = ASN1Primitive.fromByteArray(der);
      CertificationRequest request = CertificationRequest.getInstance(primitive);
      if (request.getCertificationRequestInfo().getSubjectPublicKeyInfo() == null) {
        throw malformed("csr has no public key");
      }
      return new PKCS10CertificationRequest(request);
    } catch (IOException | RuntimeException e) {
      if (e instanceof RejectedException r) {
        throw r;
      }
      throw malformed("csr is not a der pkcs#10 certification request (truncated or corrupt)");
    }
  }

  private enum Family { EC, ED25519, RSA }

  private record KeyType(Family family, String label, String jcaName) {}

  private static KeyType keyType(SubjectPublicKeyInfo spki) {
    AlgorithmIdentifier alg = spki.getAlgorithm();
    ASN1ObjectIdentifier oid = alg.getAlgorithm();
    if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      ASN1Encodable params = alg.getParameters();
      if (!(params instanceof ASN1ObjectIdentifier curve)) {
        throw reject(ErrorCode.KEY_UNSUPPORTED,
            "ec keys must name their curve; use EC P-256 or P-384");
      }
      if (curve.equals(SECObjectIdentifiers.secp256r1)) {
        return new KeyType(Family.EC, "EC P-256", "EC");
      }
      if (curve.equals(SECObjectIdentifiers.secp384r1)) {
        return new KeyType(Family.EC, "EC P-384", "EC");
      }
      throw reject(ErrorCode.KEY_UNSUPPORTED, "ec curve " + KNOWN_CURVES.getOrDefault(curve,
          curve.getId()) + " is not accepted; use EC P-256, EC P-384, Ed25519 or RSA (2048 bits or more)");
    }
    if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
      if (alg.getParameters() != null) {
        throw malformed("an Ed25519 key must have absent algorithm parameters (RFC 8410)");
      }
      return new KeyType(Family.ED25519, "Ed25519", "Ed25519");
    }
    if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
      RSAPublicKey rsa;
      try {
        rsa = RSAPublicKey.getInstance(spki.parsePublicKey());
      } catch (IOException | RuntimeException e) {
        throw malformed("csr rsa public key is not valid");
      }
      int bits = rsa.getModulus().bitLength();
      if (bits < 2048) {
        throw reject(ErrorCode.KEY_TOO_WEAK,
            "rsa key of " + bits + " bits is too weak; at least 2048 bits are required");
      }
      if (bits > MAX_RSA_BITS) {
        throw reject(ErrorCode.KEY_UNSUPPORTED,
            "rsa key of " + bits + " bits is not accepted; at most " + MAX_RSA_BITS + " bits");
      }
      BigInteger e = rsa.getPublicExponent();
      if (!e.testBit(0) || e.compareTo(BigInteger.valueOf(3)) < 0) {
        throw reject(ErrorCode.KEY_UNSUPPORTED, "rsa public exponent must be odd and at least 3");
      }
      return new KeyType(Family.RSA, "RSA " + bits, "RSA");
    }
    throw reject(ErrorCode.KEY_UNSUPPORTED, "key algorithm " + KNOWN_KEY_ALGORITHMS.getOrDefault(oid,
        oid.getId()) + " is not accepted; use EC P-256, EC P-384, Ed25519 or RSA (2048 bits or more)");
  }

  private static PublicKey publicKey(SubjectPublicKeyInfo spki, KeyType type) {
    try {
      // BouncyCastle's key factory checks that an EC point lies on its curve
      return KeyFactory.getInstance(type.jcaName, Bc.PROVIDER).generatePublic(new X509EncodedKeySpec(spki.getEncoded()));
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw malformed("csr public key is not a valid " + type.label + " key");
    }
  }

  private static void checkSignature(PKCS10CertificationRequest request, KeyType type, PublicKey key) {
    AlgorithmIdentifier sig = request.getSignatureAlgorithm();
    ASN1ObjectIdentifier oid = sig.getAlgorithm();
    boolean accepted = switch (type.family) {
      case EC -> ECDSA_SIGNATURES.contains(oid);
      case ED25519 -> oid.equals(EdECObjectIdentifiers.id_Ed25519);
      case RSA -> RSA_SIGNATURES.contains(oid) || (oid.equals(PKCSObjectIdentifiers.id_RSASSA_PSS) && pssOverSha2(sig));
    };
    if (!accepted) {
      throw reject(ErrorCode.CSR_SIGNATURE_INVALID,
          "csr signature algorithm " + oid.getId() + " is not accepted for an " + type.label + " key");
    }
    boolean valid;
    try {
      valid = request.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(Bc.PROVIDER).build(key));
    } catch (OperatorCreationException | PKCSException | RuntimeException e) {
      valid = false;
    }
    if (!valid) {
      throw reject(ErrorCode.CSR_SIGNATURE_INVALID, "csr signature does not verify with its public key");
    }
  }

  private static boolean pssOverSha2(AlgorithmIdentifier sig) {
    try {
      RSASSAPSSparams params = RSASSAPSSparams.getInstance(sig.getParameters());
      return params != null && PSS_HASHES.contains(params.getHashAlgorithm().getAlgorithm());
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void checkRequestedExtensions(PKCS10CertificationRequest request, String permittedSpiffeId) {
    Attribute[] attributes = request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest);
    if (attributes.length == 0) {
      return;
    }
    if (attributes.length > 1 || attributes[0].getAttrValues().size() != 1) {
      throw malformed("csr has more than one extension request");
    }
    Extensions extensions;
    try {
      extensions = Extensions.getInstance(attributes[0].getAttrValues().getObjectAt(0));
    } catch (RuntimeException e) {
      throw malformed("csr extension request is not a valid list of extensions");
    }
    Extension basic = extensions.getExtension(Extension.basicConstraints);
    if (basic != null) {
      BasicConstraints bc;
      try {
        bc = BasicConstraints.getInstance(basic.getParsedValue());
      } catch (RuntimeException e) {
        throw malformed("csr requests a basicConstraints extension that does not parse");
      }
      if (bc.isCA()) {
        throw reject(ErrorCode.CSR_NOT_PERMITTED,
            "csr requests a ca certificate (basicConstraints cA=true); only leaf certificates are issued");
      }
    }
    Extension san = extensions.getExtension(Extension.subjectAlternativeName);
    if (san != null) {
      GeneralName[] names;
      try {
        names = GeneralNames.getInstance(san.getParsedValue()).getNames();
      } catch (RuntimeException e) {
        throw malformed("csr requests a subjectAltName extension that does not parse");
      }
      boolean onlyOwnId = permittedSpiffeId != null && names.length == 1
          && names[0].getTagNo() == GeneralName.uniformResourceIdentifier
          && permittedSpiffeId.equals(names[0].getName().toString());
      if (!onlyOwnId) {
        throw reject(ErrorCode.CSR_NOT_PERMITTED, permittedSpiffeId == null
            ? "csr requests subject alternative names; the certificate carries only the identity's spiffe id"
            : "csr requests a subject alternative name other than the identity's spiffe id " + permittedSpiffeId);
      }
    }
  }

  private static RejectedException malformed(String message) {
    return reject(ErrorCode.CSR_MALFORMED, message);
  }

  private static RejectedException reject(ErrorCode code, String message) {
    return new RejectedException(code, message, "csr");
  }
}
