package dev.bindery.cli.workload;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A workload's key pair, held only in this process. It signs the PKCS#10 request (RFC 2986) that carries its
 * public key to Bindery and is written out only as an owner-only PKCS#8 file ({@link #pkcs8Pem()}); it has
 * no {@code toString} content.
 */
public final class WorkloadKey {
  private final PrivateKey privateKey;
  private final PublicKey publicKey;

  private WorkloadKey(PrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = Objects.requireNonNull(privateKey);
    this.publicKey = Objects.requireNonNull(publicKey);
  }

  public static WorkloadKey generate(KeyType type) {
    KeyPair pair = type.generate();
    return new WorkloadKey(pair.getPrivate(), pair.getPublic());
  }

  /**
   * A key read from a file together with the public key of the certificate it belongs to; null when the two
   * do not form a pair (checked by signing and verifying a random challenge).
   */
  public static WorkloadKey pairedOrNull(PrivateKey privateKey, PublicKey certificateKey) {
    WorkloadKey key = new WorkloadKey(privateKey, certificateKey);
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature verifier = Signature.getInstance(key.signatureAlgorithm());
      verifier.initVerify(certificateKey);
      verifier.update(challenge);
      return verifier.verify(key.sign(challenge)) ? key : null;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return null; // different algorithms or curves: not a pair
    }
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** SHA-256 (or SHA-384 for P-384) with ECDSA, Ed25519, or SHA-256 with RSA (PKCS#1 v1.5). */
  String signatureAlgorithm() {
    if (publicKey instanceof ECKey ec) {
      int bits = ec.getParams().getOrder().bitLength();
      return bits > 384 ? "SHA512withECDSA" : bits > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
    }
    if (publicKey instanceof EdECKey ed) {
      return ed.getParams().getName();
    }
    if (publicKey instanceof RSAKey) {
      return "SHA256withRSA";
    }
    throw new IllegalArgumentException("no signature algorithm for " + publicKey.getAlgorithm() + " keys");
  }

  /**
   * A PKCS#10 request with an empty subject, no attributes and no extensions (the server decides every field
   * of the certificate), signed with this key, as PEM ({@code CERTIFICATE REQUEST}).
   */
  public String csrPem() {
    try {
      PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name(""), publicKey)
          .build(new JcaContentSignerBuilder(signatureAlgorithm()).build(privateKey));
      StringWriter pem = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
        writer.writeObject(csr);
      }
      return pem.toString();
    } catch (OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot build the certificate signing request", e);
    }
  }

  /**
   * The private key as unencrypted PKCS#8 PEM ({@code PRIVATE KEY}), for the owner-only key file only. The
   * caller wipes the array once written (the JVM may still hold copies until they are collected).
   */
  public byte[] pkcs8Pem() {
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
      writer.writeObject(new JcaPKCS8Generator(privateKey, null));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode the private key", e);
    }
    return pem.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private byte[] sign(byte[] data) throws GeneralSecurityException {
    Signature signer = Signature.getInstance(signatureAlgorithm());
    signer.initSign(privateKey);
    signer.update(data);
    return signer.sign();
  }

  @Override
  public String toString() {
    return "WorkloadKey[" + publicKey.getAlgorithm() + "]";
  }
}
