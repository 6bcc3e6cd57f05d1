package dev.bindery.credential;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.Hashing;
import dev.bindery.common.RejectedException;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A SHA-256 digest in base64url without padding (43 characters): the x5t#S256 of a certificate (RFC 8705
 * section 3.1, over the DER), the JWK thumbprint of a public key (RFC 7638), or the fingerprint of a
 * SubjectPublicKeyInfo DER.
 */
public record Thumbprint(String value) {
  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]");

  public Thumbprint {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new RejectedException(ErrorCode.INVALID_FIELD, "not a base64url sha-256 thumbprint", "thumbprint");
    }
  }

  /** The thumbprint of {@code data}: base64url(SHA-256(data)). */
  public static Thumbprint sha256(byte[] data) {
    return new Thumbprint(Base64.getUrlEncoder().withoutPadding().encodeToString(Hashing.sha256(data)));
  }

  @Override
  public String toString() {
    return value;
  }
}
