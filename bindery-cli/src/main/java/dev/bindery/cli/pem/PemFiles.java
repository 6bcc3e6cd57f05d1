package dev.bindery.cli.pem;

import dev.bindery.cli.failure.CliFailure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads the PEM key and certificate files the CLI is given and encodes certificates as PEM. Every failure
 * is a usage error (exit 2) that names the file and what is wrong with it, and never contains key material.
 */
public final class PemFiles {
  /** Far larger than any key or certificate chain; a bigger file is not one of ours. */
  private static final long MAX_FILE_BYTES = 256 * 1024;
  private static final Pattern PRIVATE_KEY_BLOCK = Pattern.compile("-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----");

  private PemFiles() {}

  /**
   * The one unencrypted private key in a PEM file: PKCS#8 ({@code PRIVATE KEY}), SEC1
   * ({@code EC PRIVATE KEY}) or PKCS#1 ({@code RSA PRIVATE KEY}); EC, Ed25519 or RSA.
   */
  public static PrivateKey readPrivateKey(Path file) {
    byte[] content = read(file, "key file");
    try (PEMParser parser = new PEMParser(new StringReader(new String(content, StandardCharsets.US_ASCII)))) {
      PrivateKeyInfo info = null;
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        PrivateKeyInfo found = privateKeyInfo(object, file);
        if (found != null && info != null) {
          throw CliFailure.usage("key file " + file + " holds more than one private key");
        }
        info = found != null ? found : info;
      }
      if (info == null) {
        throw CliFailure.usage("key file " + file + " does not hold a PEM private key");
      }
      return toJdkKey(info, file);
    } catch (IOException | RuntimeException e) {
      if (e instanceof CliFailure failure) {
        throw failure;
      }
      // the parser's message may quote the broken input: say only what kind of problem it is
      throw CliFailure.usage("key file " + file + " is not a valid PEM private key");
    } finally {
      Arrays.fill(content, (byte) 0);
    }
  }

  /** The certificates of a PEM file, leaf first as written by {@code bindery enroll}; at least one. */
  public static List<X509Certificate> readCertificates(Path file, String what) {
    byte[] content = read(file, what);
    List<X509Certificate> certificates;
    try {
      certificates = parseCertificates(content);
    } catch (CertificateException e) {
      throw CliFailure.usage(what + " " + file + " does not hold PEM certificates");
    }
    if (certificates.isEmpty()) {
      throw CliFailure.usage(what + " " + file + " holds no certificate");
    }
    return certificates;
  }

  /** True when the file has a PEM block of a private key of any kind (checked before sending its content). */
  public static boolean holdsPrivateKey(Path file, String what) {
    byte[] content = read(file, what);
    try {
      return PRIVATE_KEY_BLOCK.matcher(new String(content, StandardCharsets.US_ASCII)).find();
    } finally {
      Arrays.fill(content, (byte) 0);
    }
  }

  /** The certificates of a PEM text, in order; an empty list when there is none. */
  public static List<X509Certificate> parseCertificates(byte[] pem) throws CertificateException {
    List<X509Certificate> certificates = new ArrayList<>();
    try (InputStream in = new ByteArrayInputStream(pem)) {
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certificates.add((X509Certificate) certificate);
      }
    } catch (IOException e) {
      throw new CertificateException("unreadable", e);
    } catch (RuntimeException e) {
      throw new CertificateException("malformed", e);
    }
    return certificates;
  }

  /** The certificates as PEM {@code CERTIFICATE} blocks, 64 characters a line. */
  public static String pem(List<X509Certificate> certificates) {
    StringBuilder pem = new StringBuilder();
    Base64.Encoder encoder = Base64.getMimeEncoder(64, new byte[] {'\n'});
    for (X509Certificate certificate : certificates) {
      try {
        pem.append("-----BEGIN CERTIFICATE-----\n").append(encoder.encodeToString(certificate.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException("a parsed certificate always encodes", e);
      }
    }
    return pem.toString();
  }

  private static byte[] read(Path file, String what) {
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw CliFailure.usage(what + " " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw CliFailure.usage("cannot read " + what + " " + file + ": " + CliFailure.reason(e));
    }
  }

  private static PrivateKeyInfo privateKeyInfo(Object object, Path file) {
    if (object instanceof PrivateKeyInfo info) {
      return info;
    }
    if (object instanceof PEMKeyPair pair) {
      return pair.getPrivateKeyInfo();
    }
    if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
      throw CliFailure.usage("key file " + file + " holds an encrypted private key; Bindery's CLI reads"
          + " unencrypted keys in an owner-only file");
    }
    return null;
  }

  private static PrivateKey toJdkKey(PrivateKeyInfo info, Path file) throws IOException {
    ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
    String jdkName;
    if (algorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      jdkName = "EC";
    } else if (algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)) {
      jdkName = "RSA";
    } else if (algorithm.equals(EdECObjectIdentifiers.id_Ed25519)) {
      jdkName = "Ed25519";
    } else {
      throw CliFailure.usage("key file " + file + " holds a key of algorithm " + algorithm.getId()
          + ", which Bindery does not accept (EC P-256/P-384, Ed25519 or RSA >= 2048)");
    }
    byte[] der = info.getEncoded();
    try {
      return KeyFactory.getInstance(jdkName).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw CliFailure.usage("key file " + file + " holds an " + jdkName + " key the JDK cannot read"
          + " (an unsupported curve?)");
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }
}
