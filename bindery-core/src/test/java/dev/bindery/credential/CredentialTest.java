package dev.bindery.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bindery.common.ErrorCode;
import dev.bindery.common.RejectedException;
import dev.bindery.common.Secret;
import dev.bindery.identity.IdentityId;
import dev.bindery.identity.IdentityStatus;
import dev.bindery.pki.RevocationReason;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CredentialTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final IdentityId IDENTITY = IdentityId.generate(RANDOM);

  private static Credential apiKey(Instant notBefore, Instant notAfter) {
    return new Credential(CredentialId.generate(RANDOM), IDENTITY, CredentialType.API_KEY, CredentialStatus.ACTIVE,
        null, 0, null, null, null, SecretHash.of(Secret.of("k")), "bnd_ak_abcde", null, notBefore, notAfter,
        "op_x", notBefore, BindMethod.REGISTRATION, Assurance.SOFTWARE, null, null, null, null, null, 1);
  }

  private static Credential svid() {
    return new Credential(CredentialId.generate(RANDOM), IDENTITY, CredentialType.X509_SVID, CredentialStatus.ACTIVE,
        LineageId.generate(RANDOM), 1, BigInteger.TEN, Thumbprint.sha256(new byte[] {1}),
        PublicKeyDer.ofDer(new byte[] {1, 2}), null, null, "EC P-256", T0, T0.plus(Duration.ofHours(24)), "op_x", T0,
        BindMethod.ENROLMENT, Assurance.SOFTWARE, null, null, null, null, null, 1);
  }

  @Test
  void level_apiKeyOneSoftwareKeyTwoAttestedHardwareKeyThree() {
    assertThat(Credential.level(CredentialType.API_KEY, Assurance.SOFTWARE)).isEqualTo(1);
    assertThat(Credential.level(CredentialType.PUBLIC_KEY, Assurance.SOFTWARE)).isEqualTo(2);
    assertThat(Credential.level(CredentialType.SELF_SIGNED_CERTIFICATE, Assurance.SOFTWARE)).isEqualTo(2);
    assertThat(Credential.level(CredentialType.X509_SVID, Assurance.SOFTWARE)).isEqualTo(2);
    assertThat(Credential.level(CredentialType.X509_SVID, Assurance.HARDWARE)).isEqualTo(3);
    assertThat(Credential.level(CredentialType.PUBLIC_KEY, Assurance.HARDWARE)).isEqualTo(3);
    assertThat(apiKey(T0, T0.plusSeconds(1)).level()).isEqualTo(1);
    assertThat(svid().level()).isEqualTo(2);
  }

  @Test
  void rebinding_needsAChangeRequestIdAndAnApiKeyIsNeverHardware() {
    Credential ok = svid();
    var change = dev.bindery.change.ChangeRequestId.generate(RANDOM);
    Credential rebound = new Credential(ok.id(), IDENTITY, CredentialType.PUBLIC_KEY, CredentialStatus.ACTIVE, null, 0,
        null, ok.thumbprint(), ok.publicKey(), null, null, "EC P-256", T0, T0.plusSeconds(1), "op_x", T0,
        BindMethod.REBINDING, Assurance.HARDWARE, null, null, null, null, change, 1);
    assertThat(rebound.changeRequestId()).isEqualTo(change);
    assertThat(rebound.revoke(RevocationReason.KEY_COMPROMISE, T0).changeRequestId()).isEqualTo(change);

    assertThatThrownBy(() -> new Credential(ok.id(), IDENTITY, CredentialType.PUBLIC_KEY, CredentialStatus.ACTIVE,
        null, 0, null, ok.thumbprint(), ok.publicKey(), null, null, "EC P-256", T0, T0.plusSeconds(1), "op_x", T0,
        BindMethod.REBINDING, Assurance.SOFTWARE, null, null, null, null, null, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("change request");
    assertThatThrownBy(() -> new Credential(ok.id(), IDENTITY, CredentialType.PUBLIC_KEY, CredentialStatus.ACTIVE,
        null, 0, null, ok.thumbprint(), ok.publicKey(), null, null, "EC P-256", T0, T0.plusSeconds(1), "op_x", T0,
        BindMethod.REGISTRATION, Assurance.SOFTWARE, null, null, null, null, change, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("change request");
    assertThatThrownBy(() -> new Credential(ok.id(), IDENTITY, CredentialType.API_KEY, CredentialStatus.ACTIVE,
        null, 0, null, null, null, SecretHash.of(Secret.of("k")), "bnd_ak_abcde", null, T0, T0.plusSeconds(1),
        "op_x", T0, BindMethod.REGISTRATION, Assurance.HARDWARE, null, null, null, null, null, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hardware");
  }

  @Test
  void usable_onlyActiveWithinValidityAndIdentityActive() {
    Credential c = apiKey(T0, T0.plusSeconds(60));

    assertThat(c.usable(IdentityStatus.ACTIVE, T0)).isTrue();
    assertThat(c.usable(IdentityStatus.ACTIVE, T0.plusSeconds(59))).isTrue();
    assertThat(c.usable(IdentityStatus.ACTIVE, T0.plusSeconds(60))).isFalse();
    assertThat(c.usable(IdentityStatus.ACTIVE, T0.minusMillis(1))).isFalse();
    assertThat(c.usable(IdentityStatus.SUSPENDED, T0)).isFalse();
    assertThat(c.usable(IdentityStatus.RETIRED, T0)).isFalse();
    assertThat(c.revoke(RevocationReason.UNSPECIFIED, T0).usable(IdentityStatus.ACTIVE, T0)).isFalse();
  }

  @Test
  void transitions_setStatusReasonAndBumpVersion() {
    Credential c = svid();
    CredentialId next = CredentialId.generate(RANDOM);

    Credential superseded = c.supersede(next, T0.plusSeconds(1));
    Credential quarantined = c.quarantine(T0.plusSeconds(2));
    Credential used = c.withLastUsedAt(T0.plusSeconds(3));

    assertThat(superseded.status()).isEqualTo(CredentialStatus.SUPERSEDED);
    assertThat(superseded.revocationReason()).isEqualTo(RevocationReason.SUPERSEDED);
    assertThat(superseded.supersededBy()).isEqualTo(next);
    assertThat(superseded.version()).isEqualTo(2);
    assertThat(quarantined.status()).isEqualTo(CredentialStatus.QUARANTINED);
    assertThat(quarantined.revocationReason()).isEqualTo(RevocationReason.KEY_COMPROMISE);
    assertThat(used.version()).isEqualTo(1);
    assertThat(used.lastUsedAt()).isEqualTo(T0.plusSeconds(3));
    assertThat(c.serialHex()).isEqualTo("a");
  }

  @Test
  void constructor_inconsistentTypeFields_refused() {
    Credential ok = apiKey(T0, T0.plusSeconds(1));
    assertThatThrownBy(() -> apiKey(T0, T0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ok.supersede(CredentialId.generate(RANDOM), T0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only an x509_svid");
    assertThatThrownBy(() -> new Credential(ok.id(), IDENTITY, CredentialType.PUBLIC_KEY, CredentialStatus.ACTIVE,
        null, 0, null, null, null, null, null, "EC P-256", T0, T0.plusSeconds(1), "op_x", T0, BindMethod.REGISTRATION,
        Assurance.SOFTWARE, null, null, null, null, null, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void identifiers_wrongPrefixOrShape_invalidIdentifier() {
    for (String bad : new String[] {null, "", "cred_", "lin_" + "a".repeat(26), "cred_" + "A".repeat(26)}) {
      assertThatThrownBy(() -> CredentialId.parse(bad)).isInstanceOfSatisfying(RejectedException.class,
          e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_IDENTIFIER));
    }
    assertThatThrownBy(() -> LineageId.parse("cred_" + "a".repeat(26))).isInstanceOf(RejectedException.class);
    assertThat(CredentialId.generate(RANDOM).value()).matches("cred_[a-z2-7]{26}");
    assertThat(LineageId.generate(RANDOM).value()).matches("lin_[a-z2-7]{26}");
  }

  @Test
  void thumbprint_sha256OfEmpty_isTheKnownBase64urlValue() {
    // SHA-256("") = e3b0c442...b855, base64url without padding
    assertThat(Thumbprint.sha256(new byte[0]).value()).isEqualTo("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
    assertThatThrownBy(() -> new Thumbprint("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFV"))
        .isInstanceOf(RejectedException.class);
  }

  @Test
  void secretHash_matchesOnlyTheSameHash_andHidesMostOfItself() {
    SecretHash a = SecretHash.of(Secret.of("bnd_ak_one"));
    SecretHash b = SecretHash.of(Secret.of("bnd_ak_two"));

    assertThat(a.matches(new SecretHash(a.hex()))).isTrue();
    assertThat(a.matches(b)).isFalse();
    assertThat(a.toString()).doesNotContain(a.hex());
  }

  @Test
  void enrolmentCodes_wellFormed_checksShapeOnly() {
    String code = EnrolmentCodes.generate(RANDOM).reveal();

    assertThat(code).matches("bnd_enr_[a-z2-7]{52}");
    assertThat(EnrolmentCodes.wellFormed(code)).isTrue();
    assertThat(EnrolmentCodes.wellFormed(code + "a")).isFalse();
    assertThat(EnrolmentCodes.wellFormed(code.toUpperCase(java.util.Locale.ROOT))).isFalse();
    assertThat(EnrolmentCodes.wellFormed(null)).isFalse();
  }
}
