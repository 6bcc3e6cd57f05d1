package dev.bindery.cli.workload;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The key types a workload can generate for its X.509-SVID: the ones the Bindery CA accepts (docs/api.md,
 * "CSR errors"). Keys are generated with the JDK's providers (SunEC, SunRsaSign) and never leave the process
 * except as the owner-only key file.
 */
public enum KeyType {
  EC_P256("ec-p256"), EC_P384("ec-p384"), ED25519("ed25519"), RSA_2048("rsa-2048"), RSA_3072("rsa-3072");

  private final String cliName;

  KeyType(String cliName) {
    this.cliName = cliName;
  }

  /** The name on the command line, e.g. {@code ec-p256}. */
  public String cliName() {
    return cliName;
  }

  /** A fresh key pair of this type from the JDK's strong default randomness. */
  public KeyPair generate() {
    try {
      KeyPairGenerator generator;
      switch (this) {
        case EC_P256 -> {
          generator = KeyPairGenerator.getInstance("EC");
          generator.initialize(new ECGenParameterSpec("secp256r1"));
        }
        case EC_P384 -> {
          generator = KeyPairGenerator.getInstance("EC");
          generator.initialize(new ECGenParameterSpec("secp384r1"));
        }
        case ED25519 -> generator = KeyPairGenerator.getInstance("Ed25519");
        case RSA_2048 -> {
          generator = KeyPairGenerator.getInstance("RSA");
          generator.initialize(2048);
        }
        case RSA_3072 -> {
          generator = KeyPairGenerator.getInstance("RSA");
          generator.initialize(3072);
        }
        default -> throw new IllegalStateException("unhandled key type " + this);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate a " + cliName + " key", e);
    }
  }

  /** The type of an existing public key, or null when it is none of these (an RSA-4096 key, say). */
  public static KeyType of(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getOrder().bitLength();
      return bits == 256 ? EC_P256 : bits == 384 ? EC_P384 : null;
    }
    if (key instanceof EdECKey ed) {
      return "Ed25519".equalsIgnoreCase(ed.getParams().getName()) ? ED25519 : null;
    }
    if (key instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      return bits == 2048 ? RSA_2048 : bits == 3072 ? RSA_3072 : null;
    }
    return null;
  }

  /** Parses {@code --key-type} values; the message lists the accepted names. */
  public static final class Converter implements ITypeConverter<KeyType> {
    @Override
    public KeyType convert(String value) {
      for (KeyType type : values()) {
        if (type.cliName.equalsIgnoreCase(value)) {
          return type;
        }
      }
      throw new TypeConversionException("'" + value + "' is not a key type; use one of " + String.join(", ",
          new Names()));
    }
  }

  /** The accepted names, for the help's {@code ${COMPLETION-CANDIDATES}}. */
  public static final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      List<String> names = new ArrayList<>();
      for (KeyType type : values()) {
        names.add(type.cliName);
      }
      return names.iterator();
    }
  }
}
