package dev.bindery.server.tls;

import dev.bindery.server.files.SecureFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** Reads and writes PEM certificates and private keys (PKCS#8, SEC1 EC and PKCS#1 RSA keys are read). */
public final class PemFiles {
  private PemFiles() {}

  public static List<X509Certificate> readCertificates(Path file) {
    try (var in = Files.newInputStream(file)) {
      List<X509Certificate> out = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IllegalStateException(file + " contains no PEM certificate");
      }
      return out;
    } catch (IOException | CertificateException e) {
      throw new IllegalStateException("cannot read certificates from " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads an unencrypted private key; the message never includes key material. */
  public static PrivateKey readPrivateKey(Path file) {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
      Object o = p.readObject();
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair kp) {
        // SEC1 "EC PRIVATE KEY" / PKCS#1 "RSA PRIVATE KEY": the public half may be absent, so use the private info
        return conv.getPrivateKey(kp.getPrivateKeyInfo());
      }
      if (o instanceof PrivateKeyInfo info) {
        return conv.getPrivateKey(info);
      }
      throw new IllegalStateException(file + " does not hold an unencrypted PEM private key");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the private key in " + file, e);
    }
  }

  public static String pem(Object... objects) {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
      for (Object o : objects) {
        pw.writeObject(o);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return w.toString();
  }

  public static void writePublic(Path file, Object... objects) throws IOException {
    SecureFiles.writeAtomically(file, pem(objects).getBytes(StandardCharsets.US_ASCII), false);
  }

  /** Private keys are written as unencrypted PKCS#8 ("PRIVATE KEY"), owner-only (0600), atomically. */
  public static void writePrivate(Path file, PrivateKey key) throws IOException {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
      pw.writeObject(new JcaPKCS8Generator(key, null));
    }
    SecureFiles.writeAtomically(file, w.toString().getBytes(StandardCharsets.US_ASCII), true);
  }
}
