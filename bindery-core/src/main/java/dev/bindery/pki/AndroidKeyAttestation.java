package dev.bindery.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;

/**
 * The KeyDescription extension ({@code 1.3.6.1.4.1.11129.2.1.17}) of an Android Key Attestation certificate, as
 * the Android "Key and ID attestation" schema defines it:
 *
 * <pre>
 * KeyDescription ::= SEQUENCE {
 *   attestationVersion INTEGER, attestationSecurityLevel SecurityLevel,
 *   keyMintVersion INTEGER, keyMintSecurityLevel SecurityLevel,
 *   attestationChallenge OCTET STRING, uniqueId OCTET STRING,
 *   softwareEnforced AuthorizationList, hardwareEnforced AuthorizationList }
 * SecurityLevel ::= ENUMERATED { Software (0), TrustedEnvironment (1), StrongBox (2) }
 * AuthorizationList ::= SEQUENCE { ... origin [702] EXPLICIT INTEGER OPTIONAL, ... }
 * </pre>
 *
 * Hardware custody is accepted when both security levels are TrustedEnvironment or StrongBox and the
 * hardware-enforced list says the key's origin is GENERATED (0): per Keymaster, a key with that origin in the
 * hardware-enforced list never existed outside the secure hardware. Both authorization lists are parsed in full
 * (every element a context-specific, explicitly tagged value; each tag at most once, in any order, as some
 * devices do not sort them); an origin in the software-enforced list that is not GENERATED contradicts the
 * hardware one and is refused.
 */
final class AndroidKeyAttestation {
  static final ASN1ObjectIdentifier KEY_DESCRIPTION = new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.1.17");
  static final int TAG_ORIGIN = 702;
  static final int ORIGIN_GENERATED = 0;
  static final int SOFTWARE = 0;
  static final int TRUSTED_ENVIRONMENT = 1;
  static final int STRONG_BOX = 2;
  private static final int KEY_DESCRIPTION_ELEMENTS = 8;

  private AndroidKeyAttestation() {}

  static boolean marked(Extensions extensions) {
    return extensions != null && extensions.getExtension(KEY_DESCRIPTION) != null;
  }

  /**
   * Parses the leaf's KeyDescription and checks hardware custody.
   *
   * @throws dev.bindery.common.RejectedException {@code attestation_invalid} naming what is malformed or what
   *     shows the key is not hardware-held
   */
  static Map<String, String> read(Extensions extensions) {
    Extension extension = extensions.getExtension(KEY_DESCRIPTION);
    ASN1Sequence description;
    try {
      // fromByteArray refuses trailing data
      description = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(extension.getExtnValue().getOctets()));
    } catch (IOException | IllegalArgumentException e) {
      throw malformed("is not a der sequence");
    }
    if (description.size() != KEY_DESCRIPTION_ELEMENTS) {
      throw malformed("has " + description.size() + " elements, expected " + KEY_DESCRIPTION_ELEMENTS);
    }
    int attestationVersion = integer(description.getObjectAt(0), "attestationVersion");
    int attestationLevel = securityLevel(description.getObjectAt(1), "attestationSecurityLevel");
    int keyMintVersion = integer(description.getObjectAt(2), "keyMintVersion");
    int keyMintLevel = securityLevel(description.getObjectAt(3), "keyMintSecurityLevel");
    octets(description.getObjectAt(4), "attestationChallenge");
    octets(description.getObjectAt(5), "uniqueId");
    Map<Integer, ASN1Primitive> software = authorizationList(description.getObjectAt(6), "softwareEnforced");
    Map<Integer, ASN1Primitive> hardware = authorizationList(description.getObjectAt(7), "hardwareEnforced");

    if (attestationLevel == SOFTWARE) {
      throw KeyAttestationVerifier.invalid("android key attestation security level is software: the attestation "
          + "was not made by a trusted environment or strongbox");
    }
    if (keyMintLevel == SOFTWARE) {
      throw KeyAttestationVerifier.invalid("android keymint security level is software: the key is not held in a "
          + "trusted environment or strongbox");
    }
    ASN1Primitive hardwareOrigin = hardware.get(TAG_ORIGIN);
    if (hardwareOrigin == null) {
      throw KeyAttestationVerifier.invalid("android key attestation has no hardware-enforced origin [702]"
          + (software.containsKey(TAG_ORIGIN) ? " (it is only software-enforced)" : ""));
    }
    int origin = integer(hardwareOrigin, "hardwareEnforced origin");
    if (origin != ORIGIN_GENERATED) {
      throw KeyAttestationVerifier.invalid("android key origin is " + originName(origin)
          + ", not generated: the key existed outside the secure hardware");
    }
    ASN1Primitive softwareOrigin = software.get(TAG_ORIGIN);
    if (softwareOrigin != null && integer(softwareOrigin, "softwareEnforced origin") != ORIGIN_GENERATED) {
      throw KeyAttestationVerifier.invalid("android key attestation contradicts itself: the software-enforced "
          + "origin is not generated");
    }
    Map<String, String> out = new LinkedHashMap<>();
    out.put("attestation_version", Integer.toString(attestationVersion));
    out.put("attestation_security_level", levelName(attestationLevel));
    out.put("keymint_version", Integer.toString(keyMintVersion));
    out.put("keymint_security_level", levelName(keyMintLevel));
    out.put("origin", "generated");
    return out;
  }

  private static Map<Integer, ASN1Primitive> authorizationList(ASN1Encodable value, String name) {
    if (!(value instanceof ASN1Sequence list)) {
      throw malformed(name + " is not a sequence");
    }
    Map<Integer, ASN1Primitive> out = new HashMap<>();
    for (ASN1Encodable element : list) {
      if (!(element instanceof ASN1TaggedObject tagged) || tagged.getTagClass() != BERTags.CONTEXT_SPECIFIC
          || !tagged.isExplicit()) {
        throw malformed(name + " holds an element that is not an explicitly tagged [n] value");
      }
      ASN1Primitive inner;
      try {
        inner = tagged.getExplicitBaseObject().toASN1Primitive();
      } catch (IllegalStateException | IllegalArgumentException e) {
        throw malformed(name + " element [" + tagged.getTagNo() + "] is not explicitly tagged");
      }
      if (out.put(tagged.getTagNo(), inner) != null) {
        throw malformed(name + " has tag [" + tagged.getTagNo() + "] more than once");
      }
    }
    return out;
  }

  private static int integer(ASN1Encodable value, String name) {
    if (!(value instanceof ASN1Integer i)) {
      throw malformed(name + " is not an integer");
    }
    return small(i.getValue(), name);
  }

  private static int securityLevel(ASN1Encodable value, String name) {
    if (!(value instanceof ASN1Enumerated e)) {
      throw malformed(name + " is not an enumerated value");
    }
    int level = small(e.getValue(), name);
    if (level != SOFTWARE && level != TRUSTED_ENVIRONMENT && level != STRONG_BOX) {
      throw malformed(name + " " + level + " is not software (0), trusted environment (1) or strongbox (2)");
    }
    return level;
  }

  private static void octets(ASN1Encodable value, String name) {
    if (!(value instanceof ASN1OctetString)) {
      throw malformed(name + " is not an octet string");
    }
  }

  private static int small(BigInteger value, String name) {
    if (value.signum() < 0 || value.bitLength() > 31) {
      throw malformed(name + " is out of range");
    }
    return value.intValue();
  }

  private static String levelName(int level) {
    return level == STRONG_BOX ? "strongbox" : "trusted_environment";
  }

  private static String originName(int origin) {
    return switch (origin) {
      case 1 -> "derived";
      case 2 -> "imported";
      case 3 -> "unknown";
      case 4 -> "securely imported";
      default -> Integer.toString(origin);
    };
  }

  private static RuntimeException malformed(String problem) {
    return KeyAttestationVerifier.invalid("android key description " + KEY_DESCRIPTION.getId() + " " + problem);
  }
}
