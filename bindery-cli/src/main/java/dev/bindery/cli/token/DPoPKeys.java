package dev.bindery.cli.token;

import dev.bindery.cli.failure.CliFailure;
import dev.bindery.cli.pem.PemFiles;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import org.bouncycastle.jce.ECNamedCurveTable;

/** A DPoP key pair from a PEM private key file: EC P-256 only (the proofs are ES256). */
final class DPoPKeys {
  private DPoPKeys() {}

  static KeyPair read(Path file) {
    PrivateKey key = PemFiles.readPrivateKey(file);
    if (!(key instanceof ECPrivateKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256
        || !ec.getParams().getOrder().equals(ECNamedCurveTable.getParameterSpec("secp256r1").getN())) {
      throw CliFailure.usage("--dpop-key " + file + " is not an EC P-256 private key");
    }
    // the public key is d·G; PKCS#8 files need not carry it
    org.bouncycastle.math.ec.ECPoint q = ECNamedCurveTable.getParameterSpec("secp256r1").getG()
        .multiply(ec.getS()).normalize();
    BigInteger x = q.getAffineXCoord().toBigInteger();
    BigInteger y = q.getAffineYCoord().toBigInteger();
    try {
      return new KeyPair(KeyFactory.getInstance("EC").generatePublic(
          new ECPublicKeySpec(new ECPoint(x, y), ec.getParams())), key);
    } catch (GeneralSecurityException e) {
      throw CliFailure.usage("--dpop-key " + file + " is not a usable EC P-256 key");
    }
  }
}
