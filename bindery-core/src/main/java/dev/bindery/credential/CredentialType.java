package dev.bindery.credential;

import dev.bindery.common.RejectedException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The kinds of credential Bindery binds to an identity. */
public enum CredentialType {
  /** An X.509-SVID issued by the Bindery CA from a CSR; has a lineage and a generation. */
  X509_SVID,
  /** A registered public key (JWK), for {@code private_key_jwt} and DPoP; thumbprint per RFC 7638. */
  PUBLIC_KEY,
  /** A registered self-signed certificate, for {@code self_signed_tls_client_auth}; thumbprint x5t#S256. */
  SELF_SIGNED_CERTIFICATE,
  /** A bearer API key for systems that can do nothing better; only its SHA-256 is stored. */
  API_KEY;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static CredentialType parse(String field, String value) {
    for (CredentialType t : values()) {
      if (t.wire().equals(value)) {
        return t;
      }
    }
    throw RejectedException.invalid(field, "'" + field + "' must be one of "
        + Arrays.stream(values()).map(CredentialType::wire).collect(Collectors.joining(", ")));
  }
}
