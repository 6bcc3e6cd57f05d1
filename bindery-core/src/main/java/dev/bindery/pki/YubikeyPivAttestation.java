package dev.bindery.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;

/**
 * The vendor extensions of a YubiKey PIV attestation certificate (Yubico "PIV Attestation OID Arc",
 * {@code 1.3.6.1.4.1.41482.3}): the device creates such a certificate, signed with its slot F9 attestation key,
 * only for a key that was generated on the device and never for an imported one. Their values are not
 * DER-wrapped except the serial number: firmware version {@code .3.3} is 3 raw octets (major, minor, patch),
 * serial {@code .3.7} a DER INTEGER, PIN and touch policy {@code .3.8} 2 raw octets, form factor {@code .3.9}
 * 1 raw octet.
 */
final class YubikeyPivAttestation {
  static final String ARC = "1.3.6.1.4.1.41482.3";
  static final ASN1ObjectIdentifier FIRMWARE = new ASN1ObjectIdentifier(ARC + ".3");
  static final ASN1ObjectIdentifier SERIAL = new ASN1ObjectIdentifier(ARC + ".7");
  static final ASN1ObjectIdentifier POLICY = new ASN1ObjectIdentifier(ARC + ".8");
  static final ASN1ObjectIdentifier FORM_FACTOR = new ASN1ObjectIdentifier(ARC + ".9");
  private static final BigInteger MAX_SERIAL = BigInteger.ONE.shiftLeft(32);
  private static final String SUBJECT_PREFIX = "CN=YubiKey PIV Attestation ";

  private YubikeyPivAttestation() {}

  /** True when the certificate carries any extension of the Yubico PIV attestation arc. */
  static boolean marked(Extensions extensions) {
    if (extensions == null) {
      return false;
    }
    for (ASN1ObjectIdentifier oid : extensions.getExtensionOIDs()) {
      if (oid.on(new ASN1ObjectIdentifier(ARC))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Reads the firmware version, serial number and PIN/touch policy (all three required) and the form factor
   * (optional, absent before firmware 5).
   *
   * @throws dev.bindery.common.RejectedException {@code attestation_invalid} naming the missing or malformed one
   */
  static Map<String, String> read(Extensions extensions, String subject) {
    Map<String, String> out = new LinkedHashMap<>();
    byte[] firmware = required(extensions, FIRMWARE, "firmware version");
    if (firmware.length != 3) {
      throw malformed("firmware version", FIRMWARE, "is not 3 octets");
    }
    out.put("firmware", (firmware[0] & 0xff) + "." + (firmware[1] & 0xff) + "." + (firmware[2] & 0xff));
    out.put("serial", serial(required(extensions, SERIAL, "serial number")).toString());
    byte[] policy = required(extensions, POLICY, "pin and touch policy");
    if (policy.length != 2) {
      throw malformed("pin and touch policy", POLICY, "is not 2 octets");
    }
    out.put("pin_policy", name(policy[0], "never", "once", "always"));
    out.put("touch_policy", name(policy[1], "never", "always", "cached"));
    Extension formFactor = extensions.getExtension(FORM_FACTOR);
    if (formFactor != null) {
      byte[] value = formFactor.getExtnValue().getOctets();
      if (value.length != 1) {
        throw malformed("form factor", FORM_FACTOR, "is not 1 octet");
      }
      out.put("form_factor", Integer.toString(value[0] & 0xff));
    }
    if (subject.startsWith(SUBJECT_PREFIX) && subject.length() == SUBJECT_PREFIX.length() + 2) {
      out.put("slot", subject.substring(SUBJECT_PREFIX.length()).toLowerCase(java.util.Locale.ROOT));
    }
    return out;
  }

  private static byte[] required(Extensions extensions, ASN1ObjectIdentifier oid, String what) {
    Extension e = extensions.getExtension(oid);
    if (e == null) {
      throw KeyAttestationVerifier.invalid("yubikey piv attestation certificate lacks the " + what + " extension "
          + oid.getId());
    }
    return e.getExtnValue().getOctets();
  }

  private static BigInteger serial(byte[] der) {
    try {
      // fromByteArray refuses trailing data
      BigInteger serial = ASN1Integer.getInstance(ASN1Primitive.fromByteArray(der)).getValue();
      if (serial.signum() < 0 || serial.compareTo(MAX_SERIAL) >= 0) {
        throw malformed("serial number", SERIAL, "is not a 32-bit unsigned integer");
      }
      return serial;
    } catch (IOException | IllegalArgumentException e) {
      throw malformed("serial number", SERIAL, "is not a der integer");
    }
  }

  /** Policy octets are 1, 2, 3 for the three named values; others (biometric policies) are kept as numbers. */
  private static String name(byte value, String one, String two, String three) {
    return switch (value) {
      case 1 -> one;
      case 2 -> two;
      case 3 -> three;
      default -> Integer.toString(value & 0xff);
    };
  }

  private static RuntimeException malformed(String what, ASN1ObjectIdentifier oid, String problem) {
    return KeyAttestationVerifier.invalid("yubikey piv attestation " + what + " extension " + oid.getId() + " "
        + problem);
  }
}
